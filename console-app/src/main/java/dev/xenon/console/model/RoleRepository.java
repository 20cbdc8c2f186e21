package dev.xenon.console.model;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface RoleRepository extends JpaRepository<Role, Long> {
    List<Role> findByBranchIdOrderById(String branchId);

    Optional<Role> findByBranchIdAndName(String branchId, String name);
}

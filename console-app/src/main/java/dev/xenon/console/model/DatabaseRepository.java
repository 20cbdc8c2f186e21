package dev.xenon.console.model;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface DatabaseRepository extends JpaRepository<Database, Long> {
    List<Database> findByBranchIdOrderById(String branchId);

    Optional<Database> findByBranchIdAndName(String branchId, String name);

    boolean existsByBranchIdAndOwnerName(String branchId, String ownerName);
}

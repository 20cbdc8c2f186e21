package dev.xenon.console.model;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface EndpointRepository extends JpaRepository<Endpoint, String> {
    List<Endpoint> findByProjectIdOrderByCreatedAt(String projectId);

    List<Endpoint> findByBranchIdOrderByCreatedAt(String branchId);

    Optional<Endpoint> findByIdAndProjectId(String id, String projectId);

    Optional<Endpoint> findByBranchIdAndType(String branchId, String type);

    List<Endpoint> findByCurrentState(String currentState);

    boolean existsByPort(int port);
}

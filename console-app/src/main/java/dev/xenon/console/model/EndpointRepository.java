package dev.xenon.console.model;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface EndpointRepository extends JpaRepository<Endpoint, String> {
    List<Endpoint> findByProjectIdOrderByCreatedAt(String projectId);

    List<Endpoint> findByBranchIdOrderByCreatedAt(String branchId);

    Optional<Endpoint> findByIdAndProjectId(String id, String projectId);

    Optional<Endpoint> findByBranchIdAndType(String branchId, String type);

    List<Endpoint> findByCurrentState(String currentState);

    boolean existsByPort(int port);

    /**
     * Sets {@code last_active} of an endpoint that is still active, and nothing else: a concurrent
     * start or stop keeps the state it wrote.
     */
    @Modifying
    @Query("update Endpoint e set e.lastActive = :at where e.id = :id and e.currentState = 'active'")
    int markActive(@Param("id") String id, @Param("at") Instant at);
}

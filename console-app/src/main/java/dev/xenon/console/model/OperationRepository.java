package dev.xenon.console.model;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface OperationRepository extends JpaRepository<Operation, UUID> {

    List<Operation> findByProjectIdOrderBySeqDesc(String projectId);

    Optional<Operation> findByIdAndProjectId(UUID id, String projectId);

    @Query("select count(o) > 0 from Operation o where o.branchId = ?1 and o.status in ?2")
    boolean existsOnBranchWithStatus(String branchId, List<String> statuses);

    @Query("select count(o) > 0 from Operation o where o.projectId = ?1 and o.status in ?2")
    boolean existsInProjectWithStatus(String projectId, List<String> statuses);

    /** Projects with work due. */
    @Query("select distinct o.projectId from Operation o where o.status in ?1 and o.attemptAt <= ?2")
    List<String> projectsWithWork(List<String> statuses, Instant now);

    /** The oldest unfinished operation of a project: the only one that may run. */
    Optional<Operation> findFirstByProjectIdAndStatusInOrderBySeq(String projectId, List<String> statuses);

    List<Operation> findByProjectIdAndStatusInOrderBySeq(String projectId, List<String> statuses);

    List<Operation> findByProjectIdAndBranchIdAndStatusInOrderBySeq(
            String projectId, String branchId, List<String> statuses);

    /** The newest operation of an endpoint with one of {@code statuses}. */
    Optional<Operation> findFirstByEndpointIdAndStatusInOrderBySeqDesc(String endpointId, List<String> statuses);
}

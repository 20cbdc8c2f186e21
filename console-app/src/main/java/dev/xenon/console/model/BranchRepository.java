package dev.xenon.console.model;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface BranchRepository extends JpaRepository<Branch, String> {
    List<Branch> findByProjectIdOrderByCreatedAt(String projectId);

    Optional<Branch> findByIdAndProjectId(String id, String projectId);

    Optional<Branch> findByProjectIdAndDefaultBranchTrue(String projectId);

    List<Branch> findByParentId(String parentId);

    boolean existsByProjectIdAndName(String projectId, String name);
}

package dev.xenon.console.model;

import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

public interface ProjectRepository extends JpaRepository<Project, String> {

    /** A live project of the owner: another user's project is as absent as an unknown one. */
    @Query("select p from Project p where p.id = ?1 and p.ownerId = ?2 and p.deletedAt is null")
    Optional<Project> findOwned(String id, UUID ownerId);

    /** As {@link #findOwned}, locked for the rest of the transaction: mutations of a project serialise. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select p from Project p where p.id = ?1 and p.ownerId = ?2 and p.deletedAt is null")
    Optional<Project> lockOwned(String id, UUID ownerId);

    /** Any project by id, locked until the transaction ends (internal schedulers). */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select p from Project p where p.id = ?1")
    Optional<Project> lockById(String id);

    @Query("select p from Project p where p.ownerId = ?1 and p.deletedAt is null order by p.createdAt desc")
    List<Project> findLive(UUID ownerId);
}

package dev.xenon.console.model;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

public interface ApiKeyRepository extends JpaRepository<ApiKey, Long> {
    Optional<ApiKey> findByKeyHash(byte[] keyHash);

    List<ApiKey> findByUserIdAndRevokedFalseOrderById(UUID userId);

    Optional<ApiKey> findByIdAndUserId(Long id, UUID userId);
}

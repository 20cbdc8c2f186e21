package dev.xenon.console.account;

import dev.xenon.console.model.ApiKey;
import dev.xenon.console.model.ApiKeyRepository;
import dev.xenon.console.model.User;
import dev.xenon.console.model.UserRepository;
import dev.xenon.web.BadRequestException;
import dev.xenon.web.NotFoundException;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Users and their API keys. */
@Service
public class ApiKeyService {

    /** A key and its stored record; the key is only known here, once. */
    public record CreatedKey(ApiKey record, String key) {}

    private final UserRepository users;
    private final ApiKeyRepository keys;
    private final Clock clock;

    ApiKeyService(UserRepository users, ApiKeyRepository keys, Clock clock) {
        this.users = users;
        this.keys = keys;
        this.clock = clock;
    }

    @Transactional
    public User userByEmail(String email) {
        return users.findByEmail(email)
                .orElseGet(() -> users.save(
                        new User(email, email.substring(0, Math.max(1, email.indexOf('@'))), clock.instant())));
    }

    @Transactional(readOnly = true)
    public User user(UUID id) {
        return users.findById(id).orElseThrow(() -> new NotFoundException("no user " + id));
    }

    @Transactional
    public CreatedKey create(UUID userId, String name) {
        return store(userId, name, ApiKeyHasher.newKey());
    }

    /** Stores a key given from outside (the bootstrap key) unless it is stored already. */
    @Transactional
    public boolean ensure(UUID userId, String name, String key) {
        if (key.length() < ApiKeyHasher.MIN_KEY_LENGTH) {
            throw new IllegalArgumentException(
                    "an API key needs at least " + ApiKeyHasher.MIN_KEY_LENGTH + " characters");
        }
        if (keys.findByKeyHash(ApiKeyHasher.hash(key)).isPresent()) {
            return false;
        }
        store(userId, name, key);
        return true;
    }

    private CreatedKey store(UUID userId, String name, String key) {
        if (name == null || name.isBlank() || name.length() > 64) {
            throw new BadRequestException("key_name", "key_name must have 1 to 64 characters");
        }
        ApiKey record = keys.save(
                new ApiKey(userId, name, ApiKeyHasher.displayPrefix(key), ApiKeyHasher.hash(key), clock.instant()));
        return new CreatedKey(record, key);
    }

    @Transactional(readOnly = true)
    public List<ApiKey> list(UUID userId) {
        return keys.findByUserIdAndRevokedFalseOrderById(userId);
    }

    @Transactional
    public ApiKey revoke(UUID userId, long keyId) {
        ApiKey key = keys.findByIdAndUserId(keyId, userId)
                .filter(k -> !k.isRevoked())
                .orElseThrow(() -> new NotFoundException("no API key " + keyId));
        key.revoke();
        return key;
    }
}

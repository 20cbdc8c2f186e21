package dev.xenon.console.account;

import dev.xenon.console.model.ApiKey;
import dev.xenon.console.model.User;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /users/me} and {@code /api_keys}, as Neon's API v2. */
@RestController
@RequestMapping("/api/v2")
@Tag(name = "Users and API keys")
class AccountController {

    record UserView(UUID id, String email, String name, String login, Instant createdAt) {}

    record ApiKeyView(long id, String name, Instant createdAt, UUID createdBy, Instant lastUsedAt, Boolean revoked) {
        static ApiKeyView of(ApiKey key) {
            return new ApiKeyView(
                    key.getId(),
                    key.getName(),
                    key.getCreatedAt(),
                    key.getUserId(),
                    key.getLastUsedAt(),
                    key.isRevoked() ? Boolean.TRUE : null);
        }
    }

    record CreateKeyRequest(String keyName) {}

    record CreatedKeyView(long id, String key, String name, Instant createdAt, UUID createdBy) {}

    private final ApiKeyService service;

    AccountController(ApiKeyService service) {
        this.service = service;
    }

    @GetMapping("/users/me")
    UserView me(AuthenticatedUser caller) {
        User user = service.user(caller.userId());
        return new UserView(user.getId(), user.getEmail(), user.getName(), user.getEmail(), user.getCreatedAt());
    }

    @GetMapping("/api_keys")
    List<ApiKeyView> keys(AuthenticatedUser caller) {
        return service.list(caller.userId()).stream().map(ApiKeyView::of).toList();
    }

    @PostMapping("/api_keys")
    CreatedKeyView create(AuthenticatedUser caller, @RequestBody CreateKeyRequest request) {
        ApiKeyService.CreatedKey created = service.create(caller.userId(), request == null ? null : request.keyName());
        ApiKey record = created.record();
        return new CreatedKeyView(
                record.getId(), created.key(), record.getName(), record.getCreatedAt(), record.getUserId());
    }

    @DeleteMapping("/api_keys/{key_id}")
    ApiKeyView revoke(AuthenticatedUser caller, @PathVariable("key_id") long keyId) {
        return ApiKeyView.of(service.revoke(caller.userId(), keyId));
    }
}

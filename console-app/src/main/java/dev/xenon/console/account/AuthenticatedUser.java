package dev.xenon.console.account;

import java.util.UUID;

/**
 * The caller of an API request, set by {@link ApiKeyAuthenticationFilter}; a controller method
 * receives it as a parameter.
 */
public record AuthenticatedUser(UUID userId, long apiKeyId) {
    static final String ATTRIBUTE = AuthenticatedUser.class.getName();
}

package dev.xenon.console.system;

import dev.xenon.common.postgres.ComputeConventions;
import dev.xenon.web.BadRequestException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/** Checks of request fields; a failure is a 400 naming the field. */
public final class Validation {
    private Validation() {}

    /** Longest Postgres identifier in bytes. */
    public static final int MAX_IDENTIFIER_BYTES = 63;

    /** Roles the platform owns on every compute (the replication role was misspelt here before). */
    public static final Set<String> RESERVED_ROLES = ComputeConventions.RESERVED_ROLES;

    public static final Set<String> RESERVED_DATABASES = Set.of("postgres", "template0", "template1");

    /** {@code value} is between {@code min} and {@code max}. */
    public static int range(String field, Integer value, int min, int max) {
        if (value == null || value < min || value > max) {
            throw new BadRequestException(field, field + " must be between " + min + " and " + max + ", not " + value);
        }
        return value;
    }

    /** A display name: 1 to {@code maxLength} characters. */
    public static String name(String field, String value, int maxLength) {
        if (value == null || value.isBlank() || value.length() > maxLength) {
            throw new BadRequestException(field, field + " must have 1 to " + maxLength + " characters");
        }
        return value;
    }

    /** A Postgres identifier: 1 to 63 bytes, no NUL, not one the platform reserves, not {@code pg_*}. */
    public static String identifier(String field, String value, Set<String> reserved) {
        if (value == null || value.isEmpty()) {
            throw new BadRequestException(field, field + " is required");
        }
        if (value.getBytes(StandardCharsets.UTF_8).length > MAX_IDENTIFIER_BYTES) {
            throw new BadRequestException(field, field + " must not exceed " + MAX_IDENTIFIER_BYTES + " bytes");
        }
        if (value.indexOf('\0') >= 0) {
            throw new BadRequestException(field, field + " must not contain NUL");
        }
        if (reserved.contains(value) || value.startsWith("pg_")) {
            throw new BadRequestException(field, field + " '" + value + "' is reserved");
        }
        return value;
    }

    /** {@code value} is one of {@code allowed}. */
    public static <T> T oneOf(String field, T value, Set<T> allowed) {
        if (value == null || !allowed.contains(value)) {
            throw new BadRequestException(field, field + " must be one of " + allowed + ", not " + value);
        }
        return value;
    }

    /** A required field. */
    public static <T> T required(String field, T value) {
        if (value == null) {
            throw new BadRequestException(field, field + " is required");
        }
        return value;
    }
}

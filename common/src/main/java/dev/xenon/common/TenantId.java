package dev.xenon.common;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Identifies a project's storage: 32 hex characters, as Neon prints it. Parse and {@link #toString} round-trip. */
public record TenantId(String value) {

    public TenantId {
        value = HexId.validate("tenant id", value);
    }

    @JsonCreator
    public static TenantId parse(String text) {
        return new TenantId(text);
    }

    public static TenantId generate() {
        return new TenantId(HexId.random());
    }

    @JsonValue
    @Override
    public String toString() {
        return value;
    }
}

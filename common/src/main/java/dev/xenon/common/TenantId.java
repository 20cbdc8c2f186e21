package dev.xenon.common;

/** Identifies a project's storage: 32 hex characters, as Neon prints it. Parse and {@link #toString} round-trip. */
public record TenantId(String value) {

    public TenantId {
        value = HexId.validate("tenant id", value);
    }

    public static TenantId parse(String text) {
        return new TenantId(text);
    }

    public static TenantId generate() {
        return new TenantId(HexId.random());
    }

    @Override
    public String toString() {
        return value;
    }
}

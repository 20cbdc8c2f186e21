package dev.xenon.common;

/** Identifies a branch's history: 32 hex characters, as Neon prints it. Parse and {@link #toString} round-trip. */
public record TimelineId(String value) {

    public TimelineId {
        value = HexId.validate("timeline id", value);
    }

    public static TimelineId parse(String text) {
        return new TimelineId(text);
    }

    public static TimelineId generate() {
        return new TimelineId(HexId.random());
    }

    @Override
    public String toString() {
        return value;
    }
}

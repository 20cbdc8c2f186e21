package dev.xenon.common;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Identifies a branch's history: 32 hex characters, as Neon prints it. Parse and {@link #toString} round-trip. */
public record TimelineId(String value) {

    public TimelineId {
        value = HexId.validate("timeline id", value);
    }

    @JsonCreator
    public static TimelineId parse(String text) {
        return new TimelineId(text);
    }

    public static TimelineId generate() {
        return new TimelineId(HexId.random());
    }

    @JsonValue
    @Override
    public String toString() {
        return value;
    }
}

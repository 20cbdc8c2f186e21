package dev.xenon.common.pgwire;

import java.time.Instant;

/**
 * Postgres timestamps on the replication protocol: microseconds since 2000-01-01 00:00:00 UTC.
 */
public final class PgEpoch {

    /** 2000-01-01T00:00:00Z in microseconds since the Unix epoch. */
    static final long UNIX_MICROS_AT_PG_EPOCH = 946_684_800L * 1_000_000L;

    private PgEpoch() {}

    /** Now, in microseconds since 2000-01-01 UTC. */
    public static long nowMicros() {
        return toMicros(Instant.now());
    }

    public static long toMicros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000 - UNIX_MICROS_AT_PG_EPOCH;
    }

    public static Instant toInstant(long pgMicros) {
        long unixMicros = pgMicros + UNIX_MICROS_AT_PG_EPOCH;
        return Instant.ofEpochSecond(
                Math.floorDiv(unixMicros, 1_000_000L), Math.floorMod(unixMicros, 1_000_000L) * 1_000L);
    }
}

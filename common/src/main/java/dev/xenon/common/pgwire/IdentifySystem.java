package dev.xenon.common.pgwire;

import dev.xenon.common.Lsn;

/**
 * The answer to {@code IDENTIFY_SYSTEM}.
 *
 * @param systemId the database system identifier, an unsigned 64-bit number in decimal (the same
 *     as {@code pg_control_system().system_identifier})
 * @param timeline the server's current timeline ID
 * @param xlogPos the current WAL flush position
 * @param dbName the database connected to, null on a physical replication connection
 */
public record IdentifySystem(String systemId, int timeline, Lsn xlogPos, String dbName) {}

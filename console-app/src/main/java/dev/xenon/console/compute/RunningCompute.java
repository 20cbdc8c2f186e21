package dev.xenon.console.compute;

import dev.xenon.common.Lsn;
import java.time.Instant;

/**
 * A compute that accepts connections.
 *
 * @param endpointId its endpoint
 * @param host where clients connect (a loopback address for the local driver)
 * @param port its Postgres port
 * @param startLsn the LSN its data directory was restored at
 * @param startedAt when it became ready
 */
public record RunningCompute(String endpointId, String host, int port, Lsn startLsn, Instant startedAt) {}

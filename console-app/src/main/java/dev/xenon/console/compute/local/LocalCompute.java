package dev.xenon.console.compute.local;

import dev.xenon.common.Lsn;
import dev.xenon.common.Term;
import dev.xenon.common.postgres.PostgresInstallation;
import dev.xenon.common.postgres.PostgresProcess;
import dev.xenon.console.compute.ComputeSpec;
import dev.xenon.console.compute.RunningCompute;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A compute the local driver started: its Postgres process and what a stop needs to know.
 *
 * @param spec what was asked for
 * @param directory the endpoint's directory
 * @param installation the Postgres binaries it runs
 * @param process its postmaster
 * @param socketDir its private Unix socket directory
 * @param port its TCP port on {@value ComputeConfiguration#LISTEN_ADDRESS}
 * @param pgVersion the timeline's major version
 * @param term the term it writes in
 * @param startLsn where its data directory started
 * @param source where its data directory came from
 * @param startedAt when it accepted connections
 */
record LocalCompute(
        ComputeSpec spec,
        EndpointDirectory directory,
        PostgresInstallation installation,
        PostgresProcess process,
        Path socketDir,
        int port,
        int pgVersion,
        Term term,
        Lsn startLsn,
        ComputeMetrics.Source source,
        Instant startedAt) {

    RunningCompute toRunningCompute() {
        return new RunningCompute(spec.endpointId(), ComputeConfiguration.LISTEN_ADDRESS, port, startLsn, startedAt);
    }

    boolean isRunning() {
        return process.isRunning();
    }
}

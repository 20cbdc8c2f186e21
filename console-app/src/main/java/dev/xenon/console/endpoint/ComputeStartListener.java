package dev.xenon.console.endpoint;

import dev.xenon.console.compute.RunningCompute;
import dev.xenon.console.model.Endpoint;

/** Told each time a read-write compute has started: brings its roles and databases up to date. */
public interface ComputeStartListener {
    void started(Endpoint endpoint, RunningCompute compute, String adminPassword) throws Exception;
}

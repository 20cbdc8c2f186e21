package dev.xenon.console.endpoint;

import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import dev.xenon.console.compute.ComputeDriver;
import dev.xenon.console.compute.ComputeSpec;
import dev.xenon.console.compute.RunningCompute;
import dev.xenon.console.model.Branch;
import dev.xenon.console.model.BranchRepository;
import dev.xenon.console.model.Endpoint;
import dev.xenon.console.model.EndpointRepository;
import dev.xenon.console.model.Project;
import dev.xenon.console.model.ProjectRepository;
import dev.xenon.console.system.SecretCipher;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Starts and stops the compute of an endpoint through the {@link ComputeDriver} and keeps the
 * endpoint's {@code current_state}, host and {@code last_active} in step. Called from operations
 * (never inside a transaction: a start takes seconds).
 */
@Component
public class Computes {

    private final ObjectProvider<ComputeDriver> driver;
    private final EndpointRepository endpoints;
    private final BranchRepository branches;
    private final ProjectRepository projects;
    private final SecretCipher secrets;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final List<ComputeStartListener> listeners;

    Computes(
            ObjectProvider<ComputeDriver> driver,
            EndpointRepository endpoints,
            BranchRepository branches,
            ProjectRepository projects,
            SecretCipher secrets,
            TransactionTemplate tx,
            Clock clock,
            List<ComputeStartListener> listeners) {
        this.driver = driver;
        this.endpoints = endpoints;
        this.branches = branches;
        this.projects = projects;
        this.secrets = secrets;
        this.tx = tx;
        this.clock = clock;
        this.listeners = listeners;
    }

    /** A started compute and the admin password to reach it with. */
    public record Started(Endpoint endpoint, RunningCompute compute, String adminPassword) {}

    /**
     * Starts the endpoint's compute (or finds it running), marks the endpoint active and tells the
     * listeners (their work is idempotent, so a retried start repeats it safely).
     */
    public Started start(String endpointId) throws Exception {
        Started started = ensureRunning(endpointId);
        if (Endpoint.READ_WRITE.equals(started.endpoint().getType())) {
            for (ComputeStartListener listener : listeners) {
                listener.started(started.endpoint(), started.compute(), started.adminPassword());
            }
        }
        return started;
    }

    /**
     * Starts the endpoint's compute (or finds it running) and marks the endpoint active, without
     * telling the listeners: for a caller that changes the compute before bringing it up to date with
     * the metadata (a rename must run before the listeners would create the new name).
     */
    public Started ensureRunning(String endpointId) {
        record Loaded(Endpoint endpoint, ComputeSpec spec) {}
        Loaded loaded = tx.execute(s -> {
            Endpoint e = endpoints
                    .findById(endpointId)
                    .orElseThrow(() -> new IllegalStateException("endpoint " + endpointId + " is gone"));
            Branch b = branches.findById(e.getBranchId()).orElseThrow();
            Project p = projects.findById(e.getProjectId()).orElseThrow();
            return new Loaded(e, spec(p, b, e));
        });
        RunningCompute running = driver().start(loaded.spec());
        Endpoint endpoint = tx.execute(s -> {
            Endpoint e = endpoints.findById(endpointId).orElseThrow();
            e.setCurrentState(Endpoint.ACTIVE);
            e.setHost(running.host());
            e.setPort(running.port());
            e.setLastActive(clock.instant());
            e.touch(clock.instant());
            return endpoints.save(e);
        });
        return new Started(endpoint, running, loaded.spec().adminPassword());
    }

    /** Stops the endpoint's compute and marks it idle. */
    public void stop(String endpointId) {
        driver().stop(endpointId);
        tx.executeWithoutResult(s -> endpoints.findById(endpointId).ifPresent(e -> {
            if (!Endpoint.INIT.equals(e.getCurrentState())) {
                e.setCurrentState(Endpoint.IDLE);
            }
            e.touch(clock.instant());
            endpoints.save(e);
        }));
    }

    /** Client connections of a running compute; empty when it does not run or there is no driver. */
    public Optional<Integer> clientConnections(String endpointId) {
        ComputeDriver d = driver.getIfAvailable();
        return d == null ? Optional.empty() : d.clientConnections(endpointId);
    }

    /** The running compute of an endpoint, as the driver knows it; empty without a driver. */
    public Optional<RunningCompute> running(String endpointId) {
        ComputeDriver d = driver.getIfAvailable();
        return d == null ? Optional.empty() : d.running(endpointId);
    }

    private ComputeDriver driver() {
        ComputeDriver d = driver.getIfAvailable();
        if (d == null) {
            throw new IllegalStateException("no compute driver is configured: computes cannot start");
        }
        return d;
    }

    private ComputeSpec spec(Project project, Branch branch, Endpoint endpoint) {
        return new ComputeSpec(
                endpoint.getId(),
                TenantId.parse(project.getTenantId()),
                TimelineId.parse(branch.getTimelineId()),
                project.getPgVersion(),
                secrets.decrypt(endpoint.getAdminPassword()),
                Map.of(),
                // the port chosen when the endpoint was created, so its address stays put
                endpoint.getPort());
    }
}

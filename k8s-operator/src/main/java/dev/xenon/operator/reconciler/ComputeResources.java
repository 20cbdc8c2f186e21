package dev.xenon.operator.reconciler;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.Map;

/** Compute units to container resources: 1 CU = 1 CPU and 4 GiB, requests equal to limits. */
public final class ComputeResources {

    private ComputeResources() {}

    static long milliCpu(double computeUnits) {
        return Math.round(computeUnits * 1000);
    }

    static long memoryMiB(double computeUnits) {
        return Math.round(computeUnits * 4096);
    }

    public static ResourceRequirements of(double computeUnits) {
        Map<String, Quantity> amounts = Map.of(
                "cpu", new Quantity(milliCpu(computeUnits) + "m"),
                "memory", new Quantity(memoryMiB(computeUnits) + "Mi"));
        return new ResourceRequirementsBuilder()
                .withRequests(amounts)
                .withLimits(amounts)
                .build();
    }
}

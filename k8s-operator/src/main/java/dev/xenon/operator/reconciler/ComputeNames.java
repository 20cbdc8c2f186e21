package dev.xenon.operator.reconciler;

import dev.xenon.operator.customresource.Compute;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names and labels of what a {@link Compute} owns: the pod and the service are named like the
 * compute, the configuration map {@code <name>-config}.
 */
public final class ComputeNames {

    public static final String COMPUTE_LABEL = "xenon.dev/compute";
    public static final String ENDPOINT_LABEL = "xenon.dev/endpoint-id";
    public static final String SPEC_HASH_ANNOTATION = "xenon.dev/pod-spec-hash";
    public static final int POSTGRES_PORT = 5432;

    private ComputeNames() {}

    public static String pod(Compute compute) {
        return compute.getMetadata().getName();
    }

    public static String service(Compute compute) {
        return compute.getMetadata().getName();
    }

    public static String configMap(Compute compute) {
        return compute.getMetadata().getName() + "-config";
    }

    /** Labels of every object of the compute; the service selects the pod by {@link #selector}. */
    public static Map<String, String> labels(Compute compute) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", "xenon-compute");
        labels.put("app.kubernetes.io/managed-by", "xenon-operator");
        labels.putAll(selector(compute));
        String endpoint = compute.getSpec().getEndpointId();
        if (endpoint != null && endpoint.matches("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?")) {
            labels.put(ENDPOINT_LABEL, endpoint);
        }
        return labels;
    }

    public static Map<String, String> selector(Compute compute) {
        return Map.of(COMPUTE_LABEL, compute.getMetadata().getName());
    }
}

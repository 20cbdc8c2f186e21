package dev.xenon.operator.customresource;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One endpoint's compute: stock Postgres started from the storage node's basebackup of a timeline
 * at an LSN, its commits acknowledged by the WAL nodes. {@code computes.xenon.dev/v1alpha1},
 * namespaced; the control plane (console-app's Kubernetes compute driver) creates and patches it,
 * the operator runs it as a pod and a service and reports back in its status.
 *
 * <p>The CRD is generated from these classes at build time ({@code crd-generator-maven-plugin})
 * and committed in {@code helm/xenon/crds/}.
 */
@Group(Compute.GROUP)
@Version(Compute.VERSION)
@Kind("Compute")
@Plural("computes")
@Singular("compute")
@ShortNames("xc")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Ready",
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Address", jsonPath = ".status.address", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Start LSN", jsonPath = ".spec.startLsn", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Suspended", jsonPath = ".spec.suspended", type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class Compute extends CustomResource<ComputeSpec, ComputeStatus> implements Namespaced {

    public static final String GROUP = "xenon.dev";
    public static final String VERSION = "v1alpha1";
    public static final String CRD_NAME = "computes." + GROUP;

    @Override
    protected ComputeStatus initStatus() {
        return new ComputeStatus();
    }
}

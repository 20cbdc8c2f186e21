package dev.xenon.operator.reconciler;

import dev.xenon.operator.customresource.Compute;
import dev.xenon.operator.customresource.ComputeStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JOSDK controller of {@link Compute}s: runs {@link ComputeReconciliation} on every change of a
 * compute or of a pod it owns (an informer on pods, mapped to their owner), and patches the status
 * only when it changed.
 */
@ControllerConfiguration(name = ComputeReconciler.NAME)
public class ComputeReconciler implements Reconciler<Compute> {

    public static final String NAME = "compute";
    private static final Logger log = LoggerFactory.getLogger(ComputeReconciler.class);
    private static final java.time.Duration RECHECK = java.time.Duration.ofSeconds(5);

    private final ComputeReconciliation reconciliation;

    public ComputeReconciler(ComputeReconciliation reconciliation) {
        this.reconciliation = reconciliation;
    }

    @Override
    public List<EventSource<?, Compute>> prepareEventSources(EventSourceContext<Compute> context) {
        InformerEventSourceConfiguration<Pod> pods = InformerEventSourceConfiguration.from(Pod.class, Compute.class)
                .withLabelSelector(ComputeNames.COMPUTE_LABEL)
                // only where Computes are watched: the chart's RBAC allows pods in that namespace only
                .withNamespacesInheritedFromController()
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(Compute.class))
                .build();
        return List.of(new InformerEventSource<>(pods, context));
    }

    @Override
    public UpdateControl<Compute> reconcile(Compute compute, Context<Compute> context) {
        ComputeStatus status;
        try {
            status = reconciliation.apply(compute);
        } catch (IllegalArgumentException e) {
            log.warn(
                    "{}/{}: invalid spec: {}",
                    compute.getMetadata().getNamespace(),
                    compute.getMetadata().getName(),
                    e.getMessage());
            status = reconciliation.invalid(compute, e.getMessage());
        }
        UpdateControl<Compute> control;
        if (Objects.equals(status, compute.getStatus())) {
            control = UpdateControl.noUpdate();
        } else {
            compute.setStatus(status);
            control = UpdateControl.patchStatus(compute);
        }
        // Pod events drive progress; a look now and then while starting covers one that got lost.
        return status.getPhase() == ComputeStatus.Phase.Starting ? control.rescheduleAfter(RECHECK) : control;
    }
}

package dev.xenon.testsupport.fuzz;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * The fuzzing ITs' knobs, the same as the proxy's {@code RandomStartupPacketsIT}: {@code
 * -Dxenon.fuzz.cases=N} runs N tries of every property (instead of its {@code tries}), {@code
 * -Dxenon.fuzz.seed=S} replays a run. The seed of every run is printed, failed or not. Properties
 * use it with {@code @AddLifecycleHook(FuzzSettings.class)}.
 */
public class FuzzSettings implements AroundPropertyHook {

    public static final String CASES = "xenon.fuzz.cases";
    public static final String SEED = "xenon.fuzz.seed";

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        Integer cases = Integer.getInteger(CASES);
        if (cases != null) {
            context.attributes().setTries(cases);
        }
        String seed = System.getProperty(SEED);
        if (seed != null && !seed.isBlank()) {
            context.attributes().setSeed(seed.strip());
        }
        long started = System.nanoTime();
        PropertyExecutionResult result = property.execute();
        System.out.printf(
                "%s: %s after %d tries in %d ms, seed %s (-D%s=%s replays it)%n",
                context.extendedLabel(),
                result.status(),
                result.countTries(),
                (System.nanoTime() - started) / 1_000_000,
                result.seed().orElse("?"),
                SEED,
                result.seed().orElse("?"));
        return result;
    }

    /** Registered on a class, it applies to each of the class's properties. */
    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    /** Outside jqwik's own hooks, so the tries and the seed are set before it reads them. */
    @Override
    public int aroundPropertyProximity() {
        return -100;
    }
}

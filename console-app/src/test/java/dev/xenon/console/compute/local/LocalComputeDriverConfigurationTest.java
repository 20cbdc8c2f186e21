package dev.xenon.console.compute.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xenon.console.compute.ComputeDriver;
import dev.xenon.console.config.PlatformProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The driver as a Spring bean: when it is active and how its settings bind. */
class LocalComputeDriverConfigurationTest {

    @Configuration
    @EnableConfigurationProperties({PlatformProperties.class, LocalComputeProperties.class})
    @Import(LocalComputeDriver.class)
    static class Config {}

    final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(Config.class)
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new);

    @Test
    void itIsTheDriverWhenNoneIsConfigured() {
        context.run(c -> {
            assertThat(c).hasSingleBean(ComputeDriver.class);
            assertThat(c.getBean(LocalComputeProperties.class)).isEqualTo(LocalComputeProperties.defaults());
            assertThat(c.getBean(MeterRegistry.class)
                            .find("xenon.computes.running")
                            .gauge())
                    .isNotNull();
        });
    }

    @Test
    void itIsTheDriverWhenLocalIsConfiguredAndItsSettingsBind() {
        context.withPropertyValues(
                        "xenon.compute.driver=local",
                        "xenon.compute.local.port-range-start=30000",
                        "xenon.compute.local.port-range-end=30009",
                        "xenon.compute.local.readiness-timeout=2m",
                        "xenon.compute.local.reuse-data-directory=false")
                .run(c -> {
                    assertThat(c).hasSingleBean(LocalComputeDriver.class);
                    LocalComputeProperties p = c.getBean(LocalComputeProperties.class);
                    assertThat(p.portRangeStart()).isEqualTo(30000);
                    assertThat(p.portRangeEnd()).isEqualTo(30009);
                    assertThat(p.readinessTimeout()).isEqualTo(Duration.ofMinutes(2));
                    assertThat(p.reuseDataDirectory()).isFalse();
                });
    }

    @Test
    void itStepsAsideForAnotherDriver() {
        context.withPropertyValues("xenon.compute.driver=kubernetes")
                .run(c -> assertThat(c).doesNotHaveBean(ComputeDriver.class));
    }

    @Test
    void anInvalidPortRangeFailsTheStart() {
        context.withPropertyValues(
                        "xenon.compute.local.port-range-start=30000", "xenon.compute.local.port-range-end=29000")
                .run(c -> assertThat(c).hasFailed());
    }
}

package dev.xenon.console.compute.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xenon.console.compute.ComputeDriver;
import dev.xenon.console.config.PlatformProperties;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The Kubernetes driver as a Spring bean: chosen by {@code xenon.compute.driver}, its settings bound. */
class KubernetesComputeConfigurationTest {

    @Configuration
    @EnableConfigurationProperties({PlatformProperties.class, KubernetesComputeProperties.class})
    @Import(KubernetesComputeConfiguration.class)
    static class Config {}

    final ApplicationContextRunner context = new ApplicationContextRunner().withUserConfiguration(Config.class);

    @Test
    void itIsTheDriverWhenKubernetesIsConfiguredAndItsSettingsBind() {
        context.withPropertyValues(
                        "xenon.compute.driver=kubernetes",
                        "xenon.compute.kubernetes.namespace=xenon-computes",
                        "xenon.compute.kubernetes.compute-units=0.5",
                        "xenon.compute.kubernetes.ready-timeout=5m",
                        "xenon.storage-node-url=http://storage:9898")
                .run(c -> {
                    assertThat(c).hasSingleBean(ComputeDriver.class);
                    assertThat(c.getBean(ComputeDriver.class)).isInstanceOf(KubernetesComputeDriver.class);
                    KubernetesComputeProperties p = c.getBean(KubernetesComputeProperties.class);
                    assertThat(p.namespace()).isEqualTo("xenon-computes");
                    assertThat(p.computeUnits()).isEqualTo(0.5);
                    assertThat(p.readyTimeout()).isEqualTo(Duration.ofMinutes(5));
                    assertThat(((KubernetesComputeDriver) c.getBean(ComputeDriver.class)).host("ep-a"))
                            .isEqualTo("ep-a.xenon-computes.svc.cluster.local");
                });
    }

    @Test
    void withoutFabric8OnTheClasspathTheDefaultConfigurationStillStarts() {
        // what modules embedding console-app (local) see: the optional Fabric8 client is absent
        context.withClassLoader(new FilteredClassLoader("io.fabric8")).run(c -> {
            assertThat(c).hasNotFailed();
            assertThat(c).doesNotHaveBean(ComputeDriver.class);
            assertThat(c).hasSingleBean(KubernetesComputeProperties.class);
        });
        // the filter does hide Fabric8: asking for the Kubernetes driver without it fails
        context.withClassLoader(new FilteredClassLoader("io.fabric8"))
                .withPropertyValues("xenon.compute.driver=kubernetes", "xenon.compute.kubernetes.namespace=x")
                .run(c -> assertThat(c).hasFailed());
    }

    @Test
    void itStaysAwayWithTheDefaultLocalDriver() {
        context.run(c -> assertThat(c).doesNotHaveBean(ComputeDriver.class));
        context.withPropertyValues("xenon.compute.driver=local")
                .run(c -> assertThat(c).doesNotHaveBean(ComputeDriver.class));
    }
}

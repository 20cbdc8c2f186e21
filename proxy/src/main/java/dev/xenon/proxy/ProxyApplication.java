package dev.xenon.proxy;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The proxy: see {@code proxy/README.md} and {@code docs/proxy.md}. Its configuration file is
 * {@code proxy.yaml}, so it keeps its own settings when it shares a classpath with the other Xenon
 * applications (the local platform, tests).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class ProxyApplication {

    public static final String CONFIG_NAME = "proxy";

    public static void main(String[] args) {
        builder().run(args);
    }

    /** The application with its configuration file name set. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(ProxyApplication.class).properties("spring.config.name=" + CONFIG_NAME);
    }
}

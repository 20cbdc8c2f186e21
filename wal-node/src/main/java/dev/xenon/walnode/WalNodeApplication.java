package dev.xenon.walnode;

import dev.xenon.web.ApiExceptionHandler;
import dev.xenon.web.ContentTypeFilter;
import dev.xenon.web.JsonErrorPages;
import dev.xenon.web.NodeTokenFilter;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The WAL node: Xenon's safekeeper. See {@code wal-node/README.md}. Its configuration file is
 * {@code wal-node.yaml} (not {@code application.yaml}), so it keeps its own settings when it shares
 * a classpath with another Xenon application (the local platform, tests).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
@Import({ApiExceptionHandler.class, NodeTokenFilter.class, JsonErrorPages.class, ContentTypeFilter.class})
public class WalNodeApplication {

    public static final String CONFIG_NAME = "wal-node";

    public static void main(String[] args) {
        builder().run(args);
    }

    /** The application with its configuration file name set. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(WalNodeApplication.class).properties("spring.config.name=" + CONFIG_NAME);
    }
}

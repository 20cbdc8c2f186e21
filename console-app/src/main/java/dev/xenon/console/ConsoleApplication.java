package dev.xenon.console;

import dev.xenon.web.ApiExceptionHandler;
import dev.xenon.web.ContentTypeFilter;
import dev.xenon.web.JsonErrorPages;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The control plane. See {@code console-app/README.md}. Its configuration file is
 * {@code console-app.yaml}, so it keeps its own settings when it shares a classpath with the other
 * Xenon applications (the local platform, tests).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
@Import({ApiExceptionHandler.class, JsonErrorPages.class, ContentTypeFilter.class})
public class ConsoleApplication {

    public static final String CONFIG_NAME = "console-app";

    public static void main(String[] args) {
        builder().run(args);
    }

    /** The application with its configuration file name set. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(ConsoleApplication.class).properties("spring.config.name=" + CONFIG_NAME);
    }
}

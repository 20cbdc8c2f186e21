package dev.xenon.walnode;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The WAL node: Xenon's safekeeper. See {@code wal-node/README.md}. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class WalNodeApplication {
    public static void main(String[] args) {
        SpringApplication.run(WalNodeApplication.class, args);
    }
}

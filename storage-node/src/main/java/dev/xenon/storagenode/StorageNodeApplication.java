package dev.xenon.storagenode;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The storage node (Xenon's pageserver): see {@code storage-node/README.md}. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class StorageNodeApplication {

    public static void main(String[] args) {
        SpringApplication.run(StorageNodeApplication.class, args);
    }
}

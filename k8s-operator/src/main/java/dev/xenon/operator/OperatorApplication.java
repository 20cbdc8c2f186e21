package dev.xenon.operator;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Kubernetes operator of Xenon: {@code Compute} resources become pods and services. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class OperatorApplication {

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(OperatorApplication.class);
        app.setDefaultProperties(java.util.Map.of("spring.config.name", "k8s-operator"));
        app.run(args);
    }
}

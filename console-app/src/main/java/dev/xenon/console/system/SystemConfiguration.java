package dev.xenon.console.system;

import dev.xenon.common.storagenode.StorageNodeClient;
import dev.xenon.console.config.PlatformProperties;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The control plane's shared beans. */
@Configuration(proxyBeanMethods = false)
class SystemConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    Ids ids() {
        return new Ids();
    }

    @Bean
    SecretCipher secretCipher(ConsoleProperties console, PlatformProperties platform) {
        return SecretCipher.fromConfig(console.secretKey(), platform.dataDir().resolve("console-secret.key"));
    }

    @Bean
    StorageNodeClient storageNodeClient(PlatformProperties platform) {
        return new StorageNodeClient(platform.storageNodeUrl());
    }

    @Bean
    OpenAPI openApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Xenon API v2")
                        .version("v2")
                        .description("Neon-compatible control plane API of Xenon. Authenticate with"
                                + " 'Authorization: Bearer <API key>'."))
                .components(new Components()
                        .addSecuritySchemes(
                                "BearerAuth",
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")))
                .addSecurityItem(new SecurityRequirement().addList("BearerAuth"));
    }
}

package dev.xenon.storagenode.api;

import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Socket writes of the HTTP API in 64 KiB rather than Tomcat's 8 KiB: a basebackup is tens of MB
 * to GBs of tar, and a profile of the start-to-ready benchmark showed half the storage node's CPU
 * in 8 KiB socket writes.
 */
@Configuration(proxyBeanMethods = false)
class HttpTuning {

    static final int SOCKET_WRITE_BUFFER = 64 * 1024;
    static final int RESPONSE_BUFFER = 256 * 1024;

    @Bean
    TomcatConnectorCustomizer largeSocketWrites() {
        return connector -> connector.setProperty("socket.appWriteBufSize", String.valueOf(SOCKET_WRITE_BUFFER));
    }
}

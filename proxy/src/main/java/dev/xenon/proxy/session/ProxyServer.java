package dev.xenon.proxy.session;

import dev.xenon.proxy.ProxyProperties;
import dev.xenon.proxy.console.ConsoleClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The Postgres listener on {@code xenon.proxy.port}: one virtual thread accepts, one platform
 * thread per connection serves it ({@link ClientSession}), one timer thread enforces the handshake
 * deadlines. Stopping closes the listener and every open connection.
 */
@Component
public class ProxyServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

    private final ProxyProperties properties;
    private final ConsoleClient console;
    private final Sessions sessions;
    private final MeterRegistry meters;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;
    private final SSLContext tls;
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("proxy-handshake-deadlines").factory());

    ProxyServer(ProxyProperties properties, ConsoleClient console, Sessions sessions, MeterRegistry meters) {
        this.properties = properties;
        this.console = console;
        this.sessions = sessions;
        this.meters = meters;
        this.tls = tlsContext(properties);
    }

    /** The TLS context of {@code tls-keystore}, or null without one. */
    static SSLContext tlsContext(ProxyProperties properties) {
        if (properties.tlsKeystore() == null || properties.tlsKeystore().isBlank()) {
            return null;
        }
        char[] password = properties.tlsKeystorePassword() == null
                ? new char[0]
                : properties.tlsKeystorePassword().toCharArray();
        try (InputStream in = Files.newInputStream(Path.of(properties.tlsKeystore()))) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the TLS key store " + properties.tlsKeystore(), e);
        }
    }

    /** The port it listens on (the configured one, or the one picked for 0). */
    public int port() {
        ServerSocket s = server;
        if (s == null) {
            throw new IllegalStateException("the proxy is not listening");
        }
        return s.getLocalPort();
    }

    @Override
    public void start() {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(properties.listenAddress()), properties.port()), 1024);
            server = s;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "the proxy cannot listen on " + properties.listenAddress() + ":" + properties.port(), e);
        }
        log.info(
                "proxy listening on {}:{} ({})",
                properties.listenAddress(),
                port(),
                tls == null ? "no TLS" : properties.allowPlain() ? "TLS and plain" : "TLS only");
        ServerSocket s = server;
        Thread.ofVirtual().name("proxy-accept").start(() -> {
            while (!s.isClosed()) {
                try {
                    Socket client = s.accept();
                    open.add(client);
                    Thread.ofPlatform()
                            .daemon()
                            .stackSize(256 * 1024)
                            .name("proxy-session")
                            .start(() -> {
                                try {
                                    new ClientSession(client, tls, properties, console, sessions, meters, deadlines)
                                            .run();
                                } finally {
                                    open.remove(client);
                                }
                            });
                } catch (IOException e) {
                    if (!s.isClosed()) {
                        log.warn("accept failed: {}", e.getMessage());
                    }
                }
            }
        });
    }

    @Override
    public void stop() {
        deadlines.shutdownNow();
        ServerSocket s = server;
        server = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // stopping
            }
        }
        for (Socket client : open) {
            try {
                client.close();
            } catch (IOException ignored) {
                // stopping
            }
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }
}

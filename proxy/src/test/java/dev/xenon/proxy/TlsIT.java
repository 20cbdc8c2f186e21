package dev.xenon.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xenon.common.postgres.PostgresInstallation;
import dev.xenon.proxy.session.ProxyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * TLS and SNI routing with a self-signed certificate for {@code *.localhost} made by {@code keytool}:
 * {@code psql} (which sends the host name as SNI, and verifies the certificate against the exported
 * CA file) and pgjdbc reach the routing step through TLS. The control plane is not running, so the
 * routed connection ends in {@code 57P03 could not wake the compute of <endpoint>}: the endpoint in
 * that message came from the SNI host name (psql) or the options (pgjdbc).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=proxy",
            "xenon.proxy.port=0",
            "xenon.proxy.listen-address=127.0.0.1",
            "xenon.proxy.wake-timeout=1s",
            "xenon.proxy.tls-keystore-password=changeit-test"
        })
class TlsIT {

    static final Path DIR = tempDir();
    static final Path KEYSTORE = DIR.resolve("proxy.p12");
    static final Path CA = DIR.resolve("ca.pem");

    static {
        keytool(
                "-genkeypair",
                "-alias",
                "proxy",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,dns:*.localhost,ip:127.0.0.1",
                "-validity",
                "30",
                "-storetype",
                "PKCS12",
                "-keystore",
                KEYSTORE.toString(),
                "-storepass",
                "changeit-test");
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "proxy",
                "-keystore",
                KEYSTORE.toString(),
                "-storepass",
                "changeit-test",
                "-file",
                CA.toString());
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("xenon.proxy.tls-keystore", KEYSTORE::toString);
        registry.add("xenon.proxy.console-url", () -> "http://127.0.0.1:" + closedPort());
    }

    @Autowired
    ProxyServer server;

    @Test
    void psqlRoutesByTheSniHostNameOverAVerifiedTlsConnection() throws Exception {
        String conninfo = "host=ep-sni-name-12345678.localhost hostaddr=127.0.0.1 port=" + server.port()
                + " user=alice dbname=neondb sslmode=verify-full sslrootcert=" + CA + " connect_timeout=20";
        Path psql = PostgresInstallation.fromEnvironment(null).tool("psql");
        Path err = Files.createTempFile(DIR, "psql", ".err");
        Process p = new ProcessBuilder(psql.toString(), conninfo, "-X", "-c", "SELECT 1")
                .redirectError(err.toFile())
                .start();
        p.getOutputStream().close();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String stderr = Files.readString(err);
        assertThat(p.exitValue()).as(stderr).isNotZero();
        assertThat(stderr).contains("could not wake the compute of ep-sni-name-12345678");
    }

    @Test
    void pgjdbcConnectsWithTlsAndRoutesByOptions() {
        Properties props = new Properties();
        props.setProperty("user", "alice");
        props.setProperty("password", "unused");
        props.setProperty("sslmode", "require");
        assertThatThrownBy(() -> DriverManager.getConnection(
                                "jdbc:postgresql://127.0.0.1:" + server.port()
                                        + "/neondb?options=endpoint%3Dep-tls-name-12345678",
                                props)
                        .close())
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState())
                            .as(e.toString() + " caused by " + e.getCause())
                            .isEqualTo("57P03");
                    assertThat(e.getMessage()).contains("could not wake the compute of ep-tls-name-12345678");
                });
    }

    private static void keytool(String... args) {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("proxy-tls-it");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

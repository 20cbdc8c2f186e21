package dev.xenon.common.pgwire;

import static dev.xenon.common.pgwire.PgTesting.execute;
import static dev.xenon.common.pgwire.PgTesting.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.xenon.testsupport.PostgresExtension;
import dev.xenon.testsupport.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Authentication against a real Postgres 15, one role per pg_hba.conf method. */
class PgAuthenticationIT {

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension(b -> b.setting("wal_level", "replica"));

    @BeforeAll
    static void rolesAndHbaLines() throws Exception {
        PostgresServer pg = PG.server();
        execute(
                pg,
                "SET password_encryption = 'md5'",
                "CREATE ROLE wal_md5 LOGIN REPLICATION PASSWORD 'md5-secret'",
                "RESET password_encryption",
                "CREATE ROLE wal_clear LOGIN REPLICATION PASSWORD 'clear-secret'",
                "CREATE ROLE wal_trust LOGIN REPLICATION");
        Path hba = pg.dataDir().resolve("pg_hba.conf");
        // Rewritten in place, so the file keeps its owner (the Postgres OS user).
        Files.writeString(
                hba,
                "host replication wal_md5 127.0.0.1/32 md5\n"
                        + "host replication wal_clear 127.0.0.1/32 password\n"
                        + "host replication wal_trust 127.0.0.1/32 trust\n"
                        + Files.readString(hba),
                StandardCharsets.UTF_8);
        execute(pg, "SELECT pg_reload_conf()");
        // The postmaster reloads asynchronously; trust works only once the new lines are in force.
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
            try (PgReplicationConnection c = PgReplicationConnection.connect(
                    options(pg).withUser("wal_trust").withPassword(null))) {
                assertThat(c.authMethod()).isEqualTo(AuthMethod.TRUST);
            }
        });
    }

    @Test
    void scramWithTheRightPassword() throws Exception {
        try (PgReplicationConnection c = PgReplicationConnection.connect(options(PG.server()))) {
            assertThat(c.authMethod()).isEqualTo(AuthMethod.SCRAM_SHA_256);
            assertThat(c.identifySystem().timeline()).isEqualTo(1);
            assertThat(c.serverParameters()).containsKey("server_version");
            assertThat(c.backendPid()).isPositive();
        }
    }

    @Test
    void scramWithAWrongPasswordIsRejectedByTheServer() {
        PostgresServer pg = PG.server();
        assertThatThrownBy(() -> PgReplicationConnection.connect(options(pg).withPassword("not-the-password")))
                .isInstanceOfSatisfying(PgServerException.class, e -> {
                    assertThat(e.sqlState()).isEqualTo("28P01");
                    assertThat(e.severity()).isEqualTo("FATAL");
                })
                .hasMessageContaining("password authentication failed")
                .hasMessageContaining(pg.host() + ":" + pg.port())
                .hasMessageNotContaining("not-the-password");
    }

    @Test
    void md5() throws Exception {
        try (PgReplicationConnection c = PgReplicationConnection.connect(
                options(PG.server()).withUser("wal_md5").withPassword("md5-secret"))) {
            assertThat(c.authMethod()).isEqualTo(AuthMethod.MD5);
            assertThat(c.identifySystem().timeline()).isEqualTo(1);
        }
    }

    @Test
    void md5WithAWrongPassword() {
        assertThatThrownBy(() -> PgReplicationConnection.connect(
                        options(PG.server()).withUser("wal_md5").withPassword("wrong")))
                .isInstanceOfSatisfying(
                        PgServerException.class, e -> assertThat(e.sqlState()).isEqualTo("28P01"));
    }

    @Test
    void cleartextPassword() throws Exception {
        try (PgReplicationConnection c = PgReplicationConnection.connect(
                options(PG.server()).withUser("wal_clear").withPassword("clear-secret"))) {
            assertThat(c.authMethod()).isEqualTo(AuthMethod.CLEARTEXT_PASSWORD);
            assertThat(c.identifySystem().timeline()).isEqualTo(1);
        }
    }

    @Test
    void aPasswordIsAskedForButNoneIsConfigured() {
        assertThatThrownBy(() ->
                        PgReplicationConnection.connect(options(PG.server()).withPassword(null)))
                .isInstanceOf(PgAuthenticationException.class)
                .hasMessageContaining("none is configured");
    }

    @Test
    void trust() throws Exception {
        try (PgReplicationConnection c = PgReplicationConnection.connect(
                options(PG.server()).withUser("wal_trust").withPassword(null))) {
            assertThat(c.authMethod()).isEqualTo(AuthMethod.TRUST);
            assertThat(c.identifySystem().timeline()).isEqualTo(1);
        }
    }

    @Test
    void aRoleWithoutReplicationIsRefused() throws Exception {
        PostgresServer pg = PG.server();
        execute(pg, "CREATE ROLE no_repl LOGIN PASSWORD 'no-repl-secret'");
        assertThatThrownBy(() -> PgReplicationConnection.connect(
                        options(pg).withUser("no_repl").withPassword("no-repl-secret")))
                .isInstanceOfSatisfying(
                        PgServerException.class, e -> assertThat(e.sqlState()).isEqualTo("42501"));
    }
}

package dev.xenon.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class PostgresServerIT {

    @Test
    void startsWritesSurvivesCrashAndRestarts() throws Exception {
        try (PostgresServer pg = PostgresServer.builder().name("fixture").start()) {
            try (Connection c = pg.connect();
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id int primary key)");
                s.execute("INSERT INTO t VALUES (1), (2)");
            }
            pg.kill();
            assertThat(pg.isRunning()).isFalse();
            assertThatThrownBy(pg::connect).isInstanceOf(SQLException.class);
            pg.start();
            try (Connection c = pg.connect();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2);
            }
            assertThat(pg.log()).contains("database system was interrupted");
        }
    }

    @Test
    void wrongPasswordIsRejectedOverTcp() {
        try (PostgresServer pg = PostgresServer.builder().name("auth").start()) {
            var props = new java.util.Properties();
            props.setProperty("user", pg.superuser());
            props.setProperty("password", "not-the-password");
            assertThatThrownBy(() -> java.sql.DriverManager.getConnection(pg.jdbcUrl("postgres"), props))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");
        }
    }
}

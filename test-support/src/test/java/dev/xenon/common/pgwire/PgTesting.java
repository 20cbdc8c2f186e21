package dev.xenon.common.pgwire;

import dev.xenon.common.Lsn;
import dev.xenon.testsupport.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Small helpers shared by the pgwire integration tests. */
final class PgTesting {

    private PgTesting() {}

    /** Replication-connection options for the fixture's superuser. */
    static ConnectOptions options(PostgresServer pg) {
        return ConnectOptions.of(pg.host(), pg.port(), pg.superuser(), pg.password());
    }

    static PgReplicationConnection connect(PostgresServer pg) throws Exception {
        return PgReplicationConnection.connect(options(pg));
    }

    /** The first column of the first row of {@code sql}, as text; null when there is no row. */
    static String queryValue(PostgresServer pg, String sql) throws SQLException {
        try (Connection c = pg.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static void execute(PostgresServer pg, String... statements) throws SQLException {
        try (Connection c = pg.connect();
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    static Lsn flushLsn(PostgresServer pg) throws SQLException {
        return Lsn.parse(queryValue(pg, "SELECT pg_current_wal_flush_lsn()"));
    }
}

package dev.xenon.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ledger's checker catches what it is there to catch: run against one plain Postgres, a clean
 * run passes, and each kind of damage done to the tables afterwards — a lost row, a lost transfer,
 * a row twice, money created, a row nobody wrote — is reported; a branch check on the same data
 * tells the rows before and after a mark apart.
 */
class LedgerIT {

    @Test
    void aCleanRunPassesAndEveryKindOfDamageIsReported() throws Exception {
        try (PostgresServer pg = PostgresServer.builder().name("ledger").start()) {
            List<String> log = new ArrayList<>();
            Ledger ledger = new Ledger(pg::connect, 3, 2, log::add);
            ledger.createTables();
            ledger.start();
            assertThat(ledger.awaitMoreAcks(300, Duration.ofSeconds(60))).isTrue();
            Ledger.Mark mark = ledger.mark();
            assertThat(ledger.awaitMoreAcks(300, Duration.ofSeconds(60))).isTrue();
            ledger.stop();

            try (Connection c = pg.connect();
                    Statement s = c.createStatement()) {
                Ledger.Report clean = ledger.check(c);
                assertThat(clean.problems())
                        .as("%s; client errors %s", clean, log)
                        .isEmpty();
                assertThat(clean.acknowledged() + clean.transfersAcknowledged()).isGreaterThanOrEqualTo(600);
                assertThat(clean.transfersAcknowledged()).isPositive();
                assertThat(clean.totalBalance()).isEqualTo(clean.expectedTotal());

                // rows after the mark in a "branch" are caught; so are rows before it missing
                s.execute("CREATE TABLE keep AS SELECT * FROM ledger");
                assertThat(ledger.checkBranchAt(mark, c))
                        .singleElement()
                        .asString()
                        .contains("committed after");
                s.execute("DELETE FROM ledger WHERE id IN (SELECT id FROM ledger ORDER BY at LIMIT 1)");
                assertThat(ledger.checkBranchAt(mark, c)).anyMatch(p -> p.contains("missing"));
                s.execute("TRUNCATE ledger; INSERT INTO ledger SELECT * FROM keep");

                // an acknowledged row lost
                s.execute("DELETE FROM ledger WHERE id = (SELECT max(id) FROM ledger)");
                Ledger.Report lost = ledger.check(c);
                assertThat(lost.lost()).isEqualTo(1);
                assertThat(lost.problems()).anyMatch(p -> p.contains("acknowledged commits missing"));
                // the copy check does not ask for completeness
                assertThat(ledger.checkCopy(c).problems()).isEmpty();
                s.execute("TRUNCATE ledger; INSERT INTO ledger SELECT * FROM keep");

                // a row twice
                s.execute("INSERT INTO ledger SELECT * FROM ledger LIMIT 1");
                assertThat(ledger.check(c).duplicated()).isEqualTo(1);
                assertThat(ledger.checkCopy(c).problems()).anyMatch(p -> p.contains("more than once"));
                s.execute("TRUNCATE ledger; INSERT INTO ledger SELECT * FROM keep");

                // a row no client ever attempted
                s.execute("INSERT INTO ledger (id, client) VALUES (42, 99)");
                assertThat(ledger.check(c).problems()).anyMatch(p -> p.contains("no client ever attempted"));
                s.execute("TRUNCATE ledger; INSERT INTO ledger SELECT * FROM keep");

                // money created: the total and one account are off
                s.execute("UPDATE accounts SET balance = balance + 1 WHERE id = 1");
                Ledger.Report money = ledger.check(c);
                assertThat(money.totalBalance()).isEqualTo(money.expectedTotal() + 1);
                assertThat(money.inconsistentAccounts()).isEqualTo(1);
                s.execute("UPDATE accounts SET balance = balance - 1 WHERE id = 1");

                // an acknowledged transfer lost, with its money moved back: balances agree, the ledger does not
                try (ResultSet rs = s.executeQuery("SELECT id, src, dst, amount FROM transfers LIMIT 1")) {
                    rs.next();
                    long id = rs.getLong(1);
                    int src = rs.getInt(2);
                    int dst = rs.getInt(3);
                    long amount = rs.getLong(4);
                    s.execute("DELETE FROM transfers WHERE id = " + id);
                    s.execute("UPDATE accounts SET balance = balance + " + amount + " WHERE id = " + src);
                    s.execute("UPDATE accounts SET balance = balance - " + amount + " WHERE id = " + dst);
                }
                Ledger.Report transfer = ledger.check(c);
                assertThat(transfer.transfersLost()).isEqualTo(1);
                assertThat(transfer.inconsistentAccounts()).isZero();
                assertThat(transfer.problems()).isNotEmpty();
            }
        }
    }
}

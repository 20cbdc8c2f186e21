package dev.xenon.testsupport;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The acknowledged-write ledger: a workload that remembers every commit the database acknowledged,
 * and the checker that holds the database to it after a fault.
 *
 * <p>Two kinds of clients run at once. <b>Inserters</b> add rows with a number no other attempt
 * uses, one per autocommit {@code INSERT}, to a table without a unique constraint (so that a row
 * that appears twice can be seen). <b>Transferrers</b> move money between accounts in one
 * transaction that also records the transfer, so the total of all balances is constant and every
 * balance equals its opening balance plus what the transfer table says came in minus what went out.
 *
 * <p>An attempt ends one of three ways: acknowledged (the commit returned: it must survive), failed
 * before the commit was sent (it must not appear — an error on a statement before {@code COMMIT}),
 * or in doubt (the connection broke while the commit was in flight: either outcome is allowed, so it
 * is neither a loss nor a duplicate). No attempt is ever retried with the same number.
 */
public final class Ledger {

    /** Opens a new connection to the database under test (through the proxy, usually). */
    @FunctionalInterface
    public interface ConnectionSource {
        Connection open() throws SQLException;
    }

    public static final int ACCOUNTS = 20;
    public static final long OPENING_BALANCE = 1_000;

    /** An acknowledged commit: its number and when it began and returned ({@link System#nanoTime()}). */
    public record Ack(long id, long startedNanos, long ackedNanos) {}

    /**
     * A point in the WAL taken while the workload runs: {@code lsn} read after {@code beforeNanos}
     * and before {@code afterNanos}. Every commit acknowledged before {@code beforeNanos} is at or
     * below it; every commit begun after {@code afterNanos} is above it.
     */
    public record Mark(String lsn, long beforeNanos, long afterNanos) {}

    /** What the checker found. Lost and duplicated must be 0; so must a wrong total. */
    public record Report(
            long acknowledged,
            long inDoubt,
            long inDoubtPresent,
            long lost,
            long duplicated,
            long failedButPresent,
            long transfersAcknowledged,
            long transfersLost,
            long totalBalance,
            long expectedTotal,
            long inconsistentAccounts,
            List<String> problems) {

        public boolean clean() {
            return problems.isEmpty();
        }

        @Override
        public String toString() {
            return "acknowledged " + acknowledged + " (+" + transfersAcknowledged + " transfers), in doubt " + inDoubt
                    + " (" + inDoubtPresent + " present), lost " + (lost + transfersLost) + ", duplicated "
                    + duplicated + ", failed-but-present " + failedButPresent + ", total " + totalBalance + "/"
                    + expectedTotal + ", inconsistent accounts " + inconsistentAccounts
                    + (problems.isEmpty() ? "" : ", problems: " + problems);
        }
    }

    private final ConnectionSource source;
    private final int inserters;
    private final int transferrers;
    private final Consumer<String> log;
    private final AtomicBoolean running = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private final Queue<Ack> acked = new ConcurrentLinkedQueue<>();
    private final Queue<Long> inDoubt = new ConcurrentLinkedQueue<>();
    private final Queue<Long> failed = new ConcurrentLinkedQueue<>();
    private final Queue<Ack> transfersAcked = new ConcurrentLinkedQueue<>();
    private final Queue<Long> transfersInDoubt = new ConcurrentLinkedQueue<>();
    private final AtomicLong errors = new AtomicLong();
    private volatile long pauseNanos;
    /** Each client's attempt under way (client → number), so a copy may hold it before it ends. */
    private final Map<Integer, Long> inFlight = new java.util.concurrent.ConcurrentHashMap<>();

    public Ledger(ConnectionSource source, int inserters, int transferrers, Consumer<String> log) {
        this.source = source;
        this.inserters = inserters;
        this.transferrers = transferrers;
        this.log = log;
    }

    /**
     * A pause of each client between its attempts: a gentler load, so that the processes a
     * scenario restarts do not start on a machine saturated by the workload. Zero by default.
     */
    public Ledger pause(java.time.Duration pause) {
        this.pauseNanos = pause.toNanos();
        return this;
    }

    /** Creates the tables and opens the accounts (once per database). */
    public void createTables() throws SQLException {
        try (Connection c = source.open();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE ledger (id bigint NOT NULL, client int NOT NULL, at timestamptz DEFAULT now())");
            s.execute("CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL)");
            s.execute("CREATE TABLE transfers (id bigint NOT NULL, src int NOT NULL, dst int NOT NULL,"
                    + " amount bigint NOT NULL)");
            s.execute("INSERT INTO accounts SELECT g, " + OPENING_BALANCE + " FROM generate_series(1, " + ACCOUNTS
                    + ") g");
        }
    }

    /** Starts the clients; each numbers its attempts {@code client * 10^9 + n}, never reusing one. */
    public synchronized void start() {
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("already running");
        }
        for (int i = 0; i < inserters + transferrers; i++) {
            int client = threads.size() + 1;
            boolean transfer = i >= inserters;
            Thread t = Thread.ofPlatform()
                    .name("ledger-" + (transfer ? "transfer-" : "insert-") + client)
                    .daemon()
                    .start(() -> runClient(client, transfer));
            threads.add(t);
        }
    }

    /** Stops the clients and waits for them (an attempt in flight ends first, in doubt if it must). */
    public synchronized void stop() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(120_000);
            if (t.isAlive()) {
                throw new IllegalStateException(t.getName() + " did not stop within 2 minutes");
            }
        }
        threads.clear();
    }

    public long acknowledged() {
        return acked.size() + transfersAcked.size();
    }

    public long errors() {
        return errors.get();
    }

    /** Waits until {@code n} more commits have been acknowledged, or the timeout; returns whether they were. */
    public boolean awaitMoreAcks(long n, java.time.Duration timeout) throws InterruptedException {
        long target = acknowledged() + n;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (acknowledged() < target) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /**
     * Reads the compute's insert position while the workload runs (see {@link Mark}): the end of the
     * last record, so always a place a branch can start — unlike the flush position, which the WAL
     * writer can leave inside a record that spans pages. The workload goes on, so it is soon flushed.
     */
    public Mark mark() throws SQLException {
        try (Connection c = source.open();
                Statement s = c.createStatement()) {
            long before = System.nanoTime();
            String lsn;
            try (ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()")) {
                rs.next();
                lsn = rs.getString(1);
            }
            long after = System.nanoTime();
            return new Mark(lsn, before, after);
        }
    }

    /**
     * Checks a database (the branch after recovery) against everything acknowledged: each
     * acknowledged row present exactly once, no failed attempt present, totals conserved, each
     * account consistent with the transfers.
     */
    public Report check(Connection c) throws SQLException {
        return check(c, true);
    }

    /**
     * Checks a copy of the ledger taken at some unknown point (a branch from the head while the
     * workload ran): nothing twice, no failed attempt, no row nobody attempted, totals conserved,
     * accounts consistent — everything but completeness, which needs the branch point.
     */
    public Report checkCopy(Connection c) throws SQLException {
        return check(c, false);
    }

    private Report check(Connection c, boolean complete) throws SQLException {
        List<String> problems = new ArrayList<>();
        Map<Long, Integer> rows = counts(c, "SELECT id, count(*) FROM ledger GROUP BY id");
        Map<Long, Integer> transfers = counts(c, "SELECT id, count(*) FROM transfers GROUP BY id");
        long lost = 0;
        for (Ack a : acked) {
            if (!rows.containsKey(a.id())) {
                lost++;
            }
        }
        long transfersLost = 0;
        for (Ack a : transfersAcked) {
            if (!transfers.containsKey(a.id())) {
                transfersLost++;
            }
        }
        long duplicated = rows.values().stream().filter(n -> n > 1).count()
                + transfers.values().stream().filter(n -> n > 1).count();
        long failedButPresent = failed.stream().filter(rows::containsKey).count();
        // read after the rows: an attempt a copy holds has ended by now, or is still under way
        Set<Long> known = new java.util.HashSet<>(inFlight.values());
        acked.forEach(a -> known.add(a.id()));
        known.addAll(inDoubt);
        long unknown = rows.keySet().stream().filter(id -> !known.contains(id)).count();
        long inDoubtPresent = inDoubt.stream().filter(rows::containsKey).count()
                + transfersInDoubt.stream().filter(transfers::containsKey).count();
        long total;
        long inconsistent;
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT coalesce(sum(balance), 0) FROM accounts")) {
                rs.next();
                total = rs.getLong(1);
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM accounts a WHERE a.balance <> "
                    + OPENING_BALANCE
                    + " + coalesce((SELECT sum(amount) FROM transfers WHERE dst = a.id), 0)"
                    + " - coalesce((SELECT sum(amount) FROM transfers WHERE src = a.id), 0)")) {
                rs.next();
                inconsistent = rs.getLong(1);
            }
        }
        long expectedTotal = ACCOUNTS * OPENING_BALANCE;
        if (!complete) {
            lost = 0;
            transfersLost = 0;
        }
        if (lost > 0 || transfersLost > 0) {
            problems.add((lost + transfersLost) + " acknowledged commits missing");
        }
        if (duplicated > 0) {
            problems.add(duplicated + " rows present more than once");
        }
        if (failedButPresent > 0) {
            problems.add(failedButPresent + " rows whose statement failed are present");
        }
        if (unknown > 0) {
            problems.add(unknown + " rows no client ever attempted");
        }
        if (total != expectedTotal) {
            problems.add("total balance " + total + " ≠ " + expectedTotal);
        }
        if (inconsistent > 0) {
            problems.add(inconsistent + " accounts disagree with the transfers");
        }
        return new Report(
                acked.size(),
                inDoubt.size() + transfersInDoubt.size(),
                inDoubtPresent,
                lost,
                duplicated,
                failedButPresent,
                transfersAcked.size(),
                transfersLost,
                total,
                expectedTotal,
                inconsistent,
                List.copyOf(problems));
    }

    /**
     * Checks a branch created at {@code mark.lsn()}: every row acknowledged before the mark is there,
     * no row begun after it is. Returns the problems (empty: correct).
     */
    public List<String> checkBranchAt(Mark mark, Connection branch) throws SQLException {
        Map<Long, Integer> rows = counts(branch, "SELECT id, count(*) FROM ledger GROUP BY id");
        long missing = 0;
        long after = 0;
        long before = 0;
        for (Ack a : acked) {
            if (a.ackedNanos() < mark.beforeNanos()) {
                before++;
                if (!rows.containsKey(a.id())) {
                    missing++;
                }
            } else if (a.startedNanos() > mark.afterNanos() && rows.containsKey(a.id())) {
                after++;
            }
        }
        List<String> problems = new ArrayList<>();
        if (before == 0) {
            problems.add("no commit was acknowledged before the mark: the check would prove nothing");
        }
        if (missing > 0) {
            problems.add(missing + " of " + before + " rows acknowledged before " + mark.lsn() + " missing");
        }
        if (after > 0) {
            problems.add(after + " rows committed after " + mark.lsn() + " present");
        }
        long afterTotal =
                acked.stream().filter(a -> a.startedNanos() > mark.afterNanos()).count();
        if (afterTotal == 0) {
            problems.add("no commit began after the mark: the check would prove nothing");
        }
        return problems;
    }

    private static Map<Long, Integer> counts(Connection c, String sql) throws SQLException {
        Map<Long, Integer> counts = new HashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                counts.put(rs.getLong(1), rs.getInt(2));
            }
        }
        return counts;
    }

    private void runClient(int client, boolean transfer) {
        Random random = new Random(client);
        long n = 0;
        Connection c = null;
        long backoff = 50;
        while (running.get()) {
            try {
                if (c == null) {
                    c = source.open();
                    backoff = 50;
                }
                long id = client * 1_000_000_000L + (++n);
                inFlight.put(client, id);
                try {
                    if (transfer) {
                        transfer(c, client, id, random);
                    } else {
                        insert(c, client, id);
                    }
                } finally {
                    inFlight.remove(client);
                }
                if (pauseNanos > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(pauseNanos);
                }
            } catch (SQLException e) {
                if (errors.incrementAndGet() <= 50 || errors.get() % 100 == 0) {
                    log.accept("client " + client + ": " + e.getSQLState() + " " + e.getMessage());
                }
                close(c);
                c = null;
                if (running.get()) {
                    sleep(backoff);
                    backoff = Math.min(1_000, backoff * 2);
                }
            }
        }
        close(c);
    }

    private void insert(Connection c, int client, long id) throws SQLException {
        c.setAutoCommit(true);
        long started = System.nanoTime();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ledger (id, client) VALUES (?, ?)")) {
            ps.setLong(1, id);
            ps.setInt(2, client);
            ps.executeUpdate();
        } catch (SQLException e) {
            // an autocommit INSERT: the statement and its commit are one round trip, so whether the
            // commit happened is unknown unless the server said the statement itself failed
            if (definitelyNotCommitted(e)) {
                failed.add(id);
            } else {
                inDoubt.add(id);
            }
            throw e;
        }
        acked.add(new Ack(id, started, System.nanoTime()));
    }

    private void transfer(Connection c, int client, long id, Random random) throws SQLException {
        int a = 1 + random.nextInt(ACCOUNTS);
        int b = 1 + (a + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
        long amount = 1 + random.nextInt(50);
        long started = System.nanoTime();
        c.setAutoCommit(false);
        boolean committing = false;
        try {
            // lock the lower account first: two transfers never wait for each other in a cycle
            try (PreparedStatement lock =
                    c.prepareStatement("SELECT id FROM accounts WHERE id IN (?, ?) ORDER BY id FOR UPDATE")) {
                lock.setInt(1, a);
                lock.setInt(2, b);
                lock.executeQuery().close();
            }
            try (PreparedStatement out = c.prepareStatement("UPDATE accounts SET balance = balance - ? WHERE id = ?");
                    PreparedStatement in =
                            c.prepareStatement("UPDATE accounts SET balance = balance + ? WHERE id = ?");
                    PreparedStatement record =
                            c.prepareStatement("INSERT INTO transfers (id, src, dst, amount) VALUES (?, ?, ?, ?)")) {
                out.setLong(1, amount);
                out.setInt(2, a);
                out.executeUpdate();
                in.setLong(1, amount);
                in.setInt(2, b);
                in.executeUpdate();
                record.setLong(1, id);
                record.setInt(2, a);
                record.setInt(3, b);
                record.setLong(4, amount);
                record.executeUpdate();
            }
            committing = true;
            c.commit();
        } catch (SQLException e) {
            if (committing && !definitelyNotCommitted(e)) {
                transfersInDoubt.add(id);
            }
            throw e;
        }
        transfersAcked.add(new Ack(id, started, System.nanoTime()));
    }

    /**
     * Whether the server answered with an error of the statement itself — then nothing of it was
     * committed. Broken connections ({@code 08…}), admin shutdowns ({@code 57P…}) and the rest
     * leave the outcome in doubt.
     */
    private static boolean definitelyNotCommitted(SQLException e) {
        String state = e.getSQLState();
        return state != null
                && (state.startsWith("23")
                        || state.startsWith("42")
                        // serialization failure, deadlock: rolled back; not 40003 (completion unknown)
                        || (state.startsWith("40") && !state.equals("40003")));
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // broken already
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

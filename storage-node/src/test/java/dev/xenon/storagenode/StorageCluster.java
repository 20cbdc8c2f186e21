package dev.xenon.storagenode;

import dev.xenon.common.Lsn;
import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import dev.xenon.common.storagenode.StorageNodeClient;
import dev.xenon.common.storagenode.TimelineInfo;
import dev.xenon.common.walnode.WalNodeClient;
import dev.xenon.storagenode.remote.RemoteObject;
import dev.xenon.storagenode.remote.RemotePath;
import dev.xenon.storagenode.remote.S3ProxyServer;
import dev.xenon.storagenode.remote.S3RemoteStorage;
import dev.xenon.testsupport.ComputeStarter;
import dev.xenon.testsupport.PostgresServer;
import dev.xenon.testsupport.TestDirectories;
import dev.xenon.testsupport.WalNodeProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The storage path of Xenon for tests: an S3 protocol server (S3Proxy, in-process), three WAL nodes
 * (child JVMs), the storage node (in-process Spring context, restartable, its local directory
 * removable), and computes started as the control plane starts them: election on the WAL nodes,
 * basebackup from the storage node at the elected LSN, stock Postgres on it, WAL nodes follow it.
 */
final class StorageCluster implements AutoCloseable {

    static final String BUCKET = "xenon-test";
    static final List<String> WAL_NODE_NAMES = List.of("wal-0", "wal-1", "wal-2");

    final Path baseDir = TestDirectories.create("storage-cluster");
    final Path storageDir = baseDir.resolve("storage-node");
    final S3ProxyServer s3;
    final S3RemoteStorage bucket;
    final List<WalNodeProcess> walNodes = new ArrayList<>();
    final List<WalNodeClient> walClients = new ArrayList<>();
    final TenantId tenant = TenantId.generate();
    private final List<String> storageArgs;
    private final List<Compute> computes = new ArrayList<>();
    private final AtomicInteger computeCount = new AtomicInteger();
    private ConfigurableApplicationContext storage;
    StorageNodeClient client;

    private StorageCluster(List<String> storageArgs, boolean withWalNodes) throws Exception {
        this.storageArgs = storageArgs;
        s3 = S3ProxyServer.start();
        s3.createBucket(BUCKET);
        bucket = new S3RemoteStorage(s3.settings(BUCKET, "xenon"));
        try {
            for (String name : withWalNodes ? WAL_NODE_NAMES : List.<String>of()) {
                WalNodeProcess node = new WalNodeProcess(name, baseDir);
                walNodes.add(node);
                walClients.add(new WalNodeClient(node.url()));
            }
            CompletableFuture.allOf(walNodes.stream()
                            .map(n -> CompletableFuture.runAsync(n::start))
                            .toArray(CompletableFuture[]::new))
                    .join();
            startStorageNode();
            client.createTenant(tenant);
        } catch (RuntimeException | Error e) {
            // a failed start (e.g. a bad storage-node argument) must not leave WAL node JVMs running;
            // the directory with their logs stays for the report
            stopStorageNode();
            walNodes.forEach(WalNodeProcess::close);
            bucket.close();
            s3.close();
            throw e;
        }
    }

    /** Starts everything; {@code storageArgs} are extra {@code --xenon.storage-node...=} arguments. */
    static StorageCluster start(String... storageArgs) throws Exception {
        return new StorageCluster(List.of(storageArgs), true);
    }

    /** S3 and the storage node only: for tests of the API that need no compute. */
    static StorageCluster withoutWalNodes(String... storageArgs) throws Exception {
        return new StorageCluster(List.of(storageArgs), false);
    }

    void startStorageNode() {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--spring.main.banner-mode=off",
                "--xenon.storage-node.data-dir=" + storageDir,
                "--xenon.storage-node.wal-nodes="
                        + String.join(
                                ",", walNodes.stream().map(WalNodeProcess::url).toList()),
                "--xenon.storage-node.ingest-interval=50ms",
                "--xenon.storage-node.checkpoint-timeout=2s",
                "--xenon.storage-node.remote.kind=s3",
                "--xenon.storage-node.remote.s3.bucket=" + BUCKET,
                "--xenon.storage-node.remote.s3.prefix=xenon",
                "--xenon.storage-node.remote.s3.endpoint=" + s3.endpoint(),
                "--xenon.storage-node.remote.s3.path-style=true",
                "--xenon.storage-node.remote.s3.access-key=" + S3ProxyServer.ACCESS_KEY,
                "--xenon.storage-node.remote.s3.secret-key=" + S3ProxyServer.SECRET_KEY));
        args.addAll(storageArgs);
        storage = StorageNodeApplication.builder().run(args.toArray(String[]::new));
        String port = storage.getEnvironment().getProperty("local.server.port");
        client = new StorageNodeClient("http://127.0.0.1:" + port);
    }

    void stopStorageNode() {
        if (storage != null) {
            storage.close();
            storage = null;
        }
    }

    /** Stops the storage node and removes its whole local directory: only S3 is left. */
    void wipeStorageNode() {
        stopStorageNode();
        TestDirectories.deleteRecursively(storageDir);
    }

    <T> T storageBean(Class<T> type) {
        return storage.getBean(type);
    }

    List<RemoteObject> s3Objects(String under) throws IOException {
        return bucket.list(RemotePath.of("tenants", tenant.toString()).resolve(under));
    }

    TimelineInfo bootstrap(TimelineId timeline) {
        return client.bootstrapTimeline(tenant, timeline, null);
    }

    ComputeStarter starter() {
        return new ComputeStarter(client, walClients, baseDir);
    }

    Lsn walNodesCommittedLsn(TimelineId timeline) {
        return starter().walNodesCommittedLsn(timeline);
    }

    void awaitIngested(TimelineId timeline, Lsn lsn) {
        starter().awaitIngested(tenant, timeline, lsn);
    }

    /** Starts a compute for a timeline as the control plane does (see {@link ComputeStarter}). */
    Compute startCompute(TimelineId timeline) {
        ComputeStarter.Compute started = starter().start(tenant, timeline, "compute-" + computeCount.incrementAndGet());
        Compute compute = new Compute(timeline, started.startLsn(), started.postgres());
        computes.add(compute);
        return compute;
    }

    /** Stops a compute cleanly and waits until the storage node has ingested everything it wrote. */
    void stopCompute(Compute compute) {
        starter().stop(new ComputeStarter.Compute(tenant, compute.timeline, compute.startLsn, compute.postgres));
    }

    /** A running compute. */
    static final class Compute implements AutoCloseable {
        final TimelineId timeline;
        final Lsn startLsn;
        final PostgresServer postgres;

        Compute(TimelineId timeline, Lsn startLsn, PostgresServer postgres) {
            this.timeline = timeline;
            this.startLsn = startLsn;
            this.postgres = postgres;
        }

        void execute(String... statements) throws SQLException {
            try (Connection c = postgres.connect();
                    Statement s = c.createStatement()) {
                for (String sql : statements) {
                    s.execute(sql);
                }
            }
        }

        String queryString(String sql) throws SQLException {
            try (Connection c = postgres.connect();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getString(1);
            }
        }

        long count(String table) throws SQLException {
            return Long.parseLong(queryString("SELECT count(*) FROM " + table));
        }

        /** Inserts one row and returns the end of its commit record. */
        Lsn insertCommitted(String table, int value) throws SQLException {
            return commit("INSERT INTO " + table + " VALUES (" + value + ")");
        }

        /** Runs one statement in its own transaction and returns the end of its commit record. */
        Lsn commit(String sql) throws SQLException {
            try (Connection c = postgres.connect();
                    Statement s = c.createStatement()) {
                s.execute(sql);
                try (ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
                    rs.next();
                    return Lsn.parse(rs.getString(1));
                }
            }
        }

        Lsn currentLsn() throws SQLException {
            return Lsn.parse(queryString("SELECT pg_current_wal_insert_lsn()::text"));
        }

        @Override
        public void close() {
            postgres.close();
        }
    }

    String logs() {
        StringBuilder sb = new StringBuilder();
        for (WalNodeProcess n : walNodes) {
            String log = n.log();
            sb.append("---- ")
                    .append(n.name())
                    .append(" ----\n")
                    .append(log.length() > 10_000 ? log.substring(log.length() - 10_000) : log);
        }
        for (Compute c : computes) {
            String log = c.postgres.log();
            sb.append("---- compute ")
                    .append(c.postgres)
                    .append(" ----\n")
                    .append(log.length() > 10_000 ? log.substring(log.length() - 10_000) : log);
        }
        return sb.toString();
    }

    @Override
    public void close() throws Exception {
        computes.forEach(Compute::close);
        stopStorageNode();
        walNodes.forEach(WalNodeProcess::close);
        bucket.close();
        s3.close();
        TestDirectories.deleteRecursively(baseDir);
    }
}

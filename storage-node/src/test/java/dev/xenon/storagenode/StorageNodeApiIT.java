package dev.xenon.storagenode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xenon.common.TimelineId;
import dev.xenon.common.storagenode.StorageNodeException;
import dev.xenon.common.storagenode.TimelineInfo;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The storage node's HTTP API: timelines, the basebackup tar, and every bad input answered clearly. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StorageNodeApiIT {

    StorageCluster cluster;
    TimelineId main = TimelineId.generate();
    TimelineInfo created;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        cluster = StorageCluster.withoutWalNodes();
        created = cluster.bootstrap(main);
    }

    @AfterAll
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void bootstrapWritesAnImageAndItsWalToS3() throws Exception {
        assertThat(created.pgVersion()).isBetween(15, 17);
        assertThat(created.ancestorTimelineId()).isNull();
        assertThat(created.lastRecordLsn().isValid()).isTrue();
        assertThat(created.remoteConsistentLsn()).isEqualTo(created.lastRecordLsn());
        assertThat(created.currentLogicalSize()).isGreaterThan(1_000_000);
        var layers = cluster.client.layers(cluster.tenant, main);
        assertThat(layers).extracting(l -> l.kind()).containsExactlyInAnyOrder("image", "delta");
        assertThat(layers).allSatisfy(l -> assertThat(l.remote()).isTrue());
        assertThat(cluster.s3Objects("timelines/" + main))
                .extracting(o -> o.path().fileName())
                .contains("index.json", layers.get(0).name(), layers.get(1).name());
        assertThat(cluster.client.timelines(cluster.tenant))
                .extracting(TimelineInfo::timelineId)
                .contains(main);
    }

    @Test
    void basebackupIsATarOfTheImageAndTheWalCutAtTheLsn() throws Exception {
        List<String> names = new ArrayList<>();
        long walBytes = 0;
        try (InputStream in = cluster.client.basebackup(cluster.tenant, main, null);
                TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                names.add(e.getName());
                if (e.getName().startsWith("pg_wal/0")) {
                    walBytes += e.getSize();
                }
            }
        }
        assertThat(names).contains("backup_label", "global/pg_control", "PG_VERSION");
        assertThat(names).noneMatch(n -> n.endsWith("standby.signal") || n.endsWith("recovery.signal"));
        assertThat(walBytes).isEqualTo(16L * 1024 * 1024);
    }

    @Test
    void branchCreationIsMetadataOnly() {
        TimelineId branch = TimelineId.generate();
        TimelineInfo info = cluster.client.branch(cluster.tenant, branch, main, null);
        assertThat(info.ancestorLsn()).isEqualTo(created.lastRecordLsn());
        assertThat(info.layerCount()).isZero();
        assertThat(info.lastRecordLsn()).isEqualTo(created.lastRecordLsn());
    }

    @Test
    void unknownTenantAndTimelineAre404() throws Exception {
        assertStatus("GET", "/v1/tenant/" + "a".repeat(32) + "/timeline", null, 404, null);
        assertStatus("GET", "/v1/tenant/" + cluster.tenant + "/timeline/" + "b".repeat(32), null, 404, null);
        assertStatus(
                "POST",
                "/v1/tenant/" + cluster.tenant + "/timeline",
                "{\"new_timeline_id\":\"" + TimelineId.generate() + "\",\"ancestor_timeline_id\":\"" + "c".repeat(32)
                        + "\"}",
                404,
                null);
    }

    @Test
    void malformedIdsAndLsnsAre400NamingTheField() throws Exception {
        assertStatus("GET", "/v1/tenant/xyz/timeline", null, 400, "tenant_id");
        assertStatus("GET", "/v1/tenant/" + cluster.tenant + "/timeline/nothex", null, 400, "timeline_id");
        assertStatus(
                "POST",
                "/v1/tenant/" + cluster.tenant + "/timeline",
                "{\"new_timeline_id\":\"12\"}",
                400,
                "new_timeline_id");
        assertStatus("POST", "/v1/tenant/" + cluster.tenant + "/timeline", "{}", 400, "new_timeline_id");
        assertStatus(
                "POST",
                "/v1/tenant/" + cluster.tenant + "/timeline",
                "{\"new_timeline_id\":\"" + TimelineId.generate() + "\",\"ancestor_timeline_id\":\"" + main
                        + "\",\"ancestor_start_lsn\":\"zz/1\"}",
                400,
                "ancestor_start_lsn");
        assertStatus(
                "POST",
                "/v1/tenant/" + cluster.tenant + "/timeline",
                "{\"new_timeline_id\":\"" + TimelineId.generate() + "\",\"pg_version\":9}",
                400,
                "pg_version");
        // A start LSN without the timeline it is on: the ancestor is what is missing (found by StorageNodeFuzzIT).
        assertStatus(
                "POST",
                "/v1/tenant/" + cluster.tenant + "/timeline",
                "{\"new_timeline_id\":\"" + TimelineId.generate() + "\",\"ancestor_timeline_id\":null,"
                        + "\"ancestor_start_lsn\":\"0/1000028\"}",
                400,
                "ancestor_timeline_id");
        assertStatus(
                "GET",
                "/v1/tenant/" + cluster.tenant + "/timeline/" + main + "/basebackup?lsn=1/2/3",
                null,
                400,
                "lsn");
        assertStatus(
                "GET",
                "/v1/tenant/" + cluster.tenant + "/timeline/" + main + "/get_lsn_by_timestamp?timestamp=yesterday",
                null,
                400,
                "timestamp");
    }

    @Test
    void lsnsBeyondTheLastRecordOrBeforeTheOldestImageAreRefused() throws Exception {
        String beyond = created.lastRecordLsn().plus(8).toString();
        assertStatus(
                "GET",
                "/v1/tenant/" + cluster.tenant + "/timeline/" + main + "/basebackup?lsn=" + beyond,
                null,
                400,
                "lsn");
        assertStatus(
                "POST",
                "/v1/tenant/" + cluster.tenant + "/timeline",
                "{\"new_timeline_id\":\"" + TimelineId.generate() + "\",\"ancestor_timeline_id\":\"" + main
                        + "\",\"ancestor_start_lsn\":\"" + beyond + "\"}",
                400,
                "ancestor_start_lsn");
        // a bootstrapped timeline starts at its image's end: nothing before it can be served
        String before =
                dev.xenon.common.Lsn.of(created.lastRecordLsn().value() - 8).toString();
        assertStatus(
                "GET",
                "/v1/tenant/" + cluster.tenant + "/timeline/" + main + "/basebackup?lsn=" + before,
                null,
                409,
                "lsn");
    }

    @Test
    void aBranchPointIsCheckedAsBranchCreationChecksIt() throws Exception {
        String tl = "/v1/tenant/" + cluster.tenant + "/timeline/" + main + "/branch_point";
        assertThat(cluster.client
                        .branchPoint(cluster.tenant, main, created.lastRecordLsn())
                        .lsn())
                .isEqualTo(created.lastRecordLsn());
        // a bootstrapped timeline's history starts at its image
        assertStatus("GET", tl + "?lsn=0/0", null, 409, "lsn");
        assertStatus("GET", tl + "?lsn=0/1000000", null, 409, "lsn");
        assertStatus("GET", tl + "?lsn=" + created.lastRecordLsn().plus(8), null, 400, "lsn");
        assertStatus("GET", tl + "?lsn=G/0", null, 400, "lsn");
        assertStatus("GET", tl, null, 400, "lsn");
    }

    @Test
    void concurrentCreationOfOneIdHasExactlyOneWinner() throws Exception {
        TimelineId id = TimelineId.generate();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Callable<Integer> create = () -> {
                    try {
                        cluster.client.branch(cluster.tenant, id, main, null);
                        return 201;
                    } catch (StorageNodeException e) {
                        return e.status();
                    }
                };
                results.add(pool.submit(create));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : results) {
                statuses.add(f.get());
            }
            assertThat(statuses).containsOnly(201, 409);
            assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aTimelineWithChildrenCannotBeDeletedItsLeafCan() throws Exception {
        TimelineId parent = TimelineId.generate();
        cluster.client.branch(cluster.tenant, parent, main, null);
        TimelineId child = TimelineId.generate();
        cluster.client.branch(cluster.tenant, child, parent, null);
        assertStatus("DELETE", "/v1/tenant/" + cluster.tenant + "/timeline/" + parent, null, 409, null);
        assertStatus("DELETE", "/v1/tenant/" + cluster.tenant + "/timeline/" + child, null, 202, null);
        assertStatus("DELETE", "/v1/tenant/" + cluster.tenant + "/timeline/" + parent, null, 202, null);
        assertThat(cluster.s3Objects("timelines/" + parent)).isEmpty();
        assertStatus("GET", "/v1/tenant/" + cluster.tenant + "/timeline/" + parent, null, 404, null);
    }

    @Test
    void corruptOrTruncatedLayersAreDetectedDownloadedAgainAndReportedNeverServed() throws Exception {
        TimelineId timeline = TimelineId.generate();
        cluster.bootstrap(timeline);
        byte[] expected = basebackupImage(timeline);
        var layers = cluster.client.layers(cluster.tenant, timeline);
        java.nio.file.Path dir = cluster.storageDir.resolve("tenants/" + cluster.tenant + "/timelines/" + timeline);
        cluster.stopStorageNode();
        for (var layer : layers) {
            java.nio.file.Path file = dir.resolve(layer.name());
            if (layer.kind().equals("image")) {
                byte[] bytes = java.nio.file.Files.readAllBytes(file);
                bytes[bytes.length / 2] ^= 0x40;
                java.nio.file.Files.write(file, bytes);
            } else {
                try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                    channel.truncate(channel.size() / 2);
                }
            }
        }
        cluster.startStorageNode();

        assertThat(basebackupImage(timeline)).isEqualTo(expected);
        HttpResponse<String> metrics = http.send(
                HttpRequest.newBuilder(URI.create(cluster.client.baseUrl() + "/actuator/prometheus"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).containsPattern("xenon_storage_layer_corrupt_total(\\{[^}]*\\})? 2\\.0");
        for (var layer : layers) {
            byte[] local = java.nio.file.Files.readAllBytes(dir.resolve(layer.name()));
            byte[] remote = cluster.bucket.downloadBytes(dev.xenon.storagenode.remote.RemotePath.of(
                    "tenants", cluster.tenant.toString(), "timelines", timeline.toString(), layer.name()));
            assertThat(local).as(layer.name() + " downloaded again").isEqualTo(remote);
        }
    }

    /** The basebackup's files other than WAL, by name, with their content. */
    private byte[] basebackupImage(TimelineId timeline) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (InputStream in = cluster.client.basebackup(cluster.tenant, timeline, null);
                TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                out.write(e.getName().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.write(tar.readAllBytes());
            }
        }
        return out.toByteArray();
    }

    private void assertStatus(String method, String path, String body, int status, String field) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(cluster.client.baseUrl() + path))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as(method + " " + path + " -> " + response.body())
                .isEqualTo(status);
        if (status >= 400) {
            assertThat(response.body()).contains("\"code\"").contains("\"message\"");
        }
        if (field != null) {
            assertThat(response.body()).contains("\"field\":\"" + field + "\"");
        }
    }
}

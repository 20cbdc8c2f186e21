package dev.xenon.storagenode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xenon.common.TimelineId;
import dev.xenon.common.http.NodeToken;
import dev.xenon.common.storagenode.TimelineInfo;
import dev.xenon.testsupport.fuzz.FuzzSettings;
import dev.xenon.testsupport.fuzz.Hostile;
import dev.xenon.testsupport.fuzz.NodeApiFuzz;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Issue 9 (a) for the storage node: its API, behind the node token, fed one hostile input at a time
 * — malformed LSNs, tenant and timeline ids that are not ids, timestamps, durations and ports that
 * are not, bodies that are not JSON — answers a 4xx {@code {code, message}}, a 400 naming the field
 * at fault, never a 5xx (see {@link NodeApiFuzz}). Every other input of a request is valid, against
 * a real bootstrapped timeline, so the hostile one reaches its check. {@code -Dxenon.fuzz.cases=N}
 * runs more, {@code -Dxenon.fuzz.seed=S} replays.
 */
@AddLifecycleHook(FuzzSettings.class)
class StorageNodeFuzzIT {

    static final String TOKEN = "storage-node-fuzz-token";
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static StorageCluster cluster;
    static String baseUrl;
    static List<NodeApiFuzz.Route> routes;

    @BeforeContainer
    static void aStorageNodeWithABootstrappedTimeline() throws Exception {
        // the node (its Spring environment) and the cluster's client both take the token from here
        System.setProperty(NodeToken.PROPERTY, TOKEN);
        cluster = StorageCluster.withoutWalNodes();
        TimelineId main = TimelineId.generate();
        TimelineInfo created = cluster.bootstrap(main);
        baseUrl = cluster.client.baseUrl();
        routes = routes(cluster.tenant.toString(), main.toString(), created);
    }

    @AfterContainer
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        System.clearProperty(NodeToken.PROPERTY);
    }

    static List<NodeApiFuzz.Route> routes(String tenant, String timeline, TimelineInfo info) {
        String tl = "/v1/tenant/{tenant_id}/timeline/{timeline_id}";
        String lsn = info.lastRecordLsn().toString();
        return List.of(
                NodeApiFuzz.route("POST", "/v1/tenant")
                        .field(
                                "new_tenant_id",
                                Hostile.jsonString(
                                        dev.xenon.common.TenantId.generate().toString()))
                        .field("pitr_interval", "\"1h\"")
                        .field("gc_horizon", "0")
                        .build(),
                NodeApiFuzz.route("PUT", "/v1/tenant/config")
                        .field("tenant_id", Hostile.jsonString(tenant))
                        .field("pitr_interval", "\"1h\"")
                        .field("gc_horizon", "0")
                        .build(),
                NodeApiFuzz.route("GET", "/v1/tenant/{tenant_id}")
                        .id("tenant_id", tenant)
                        .build(),
                NodeApiFuzz.route("PUT", "/v1/tenant/{tenant_id}/gc")
                        .id("tenant_id", tenant)
                        .build(),
                NodeApiFuzz.route("GET", "/v1/tenant/{tenant_id}/timeline")
                        .id("tenant_id", tenant)
                        .build(),
                NodeApiFuzz.route("POST", "/v1/tenant/{tenant_id}/timeline")
                        .id("tenant_id", tenant)
                        .field(
                                "new_timeline_id",
                                Hostile.jsonString(TimelineId.generate().toString()))
                        .field("ancestor_timeline_id", Hostile.jsonString(timeline))
                        .field("ancestor_start_lsn", Hostile.jsonString(lsn))
                        .field("pg_version", Integer.toString(info.pgVersion()))
                        .lsn("ancestor_start_lsn")
                        .build(),
                NodeApiFuzz.route("GET", tl)
                        .id("tenant_id", tenant)
                        .id("timeline_id", timeline)
                        .build(),
                NodeApiFuzz.route("DELETE", tl)
                        .id("tenant_id", tenant)
                        .id("timeline_id", timeline)
                        .build(),
                NodeApiFuzz.route("PUT", tl + "/checkpoint")
                        .id("tenant_id", tenant)
                        .id("timeline_id", timeline)
                        .query("image", "false")
                        .build(),
                NodeApiFuzz.route("GET", tl + "/get_lsn_by_timestamp")
                        .id("tenant_id", tenant)
                        .id("timeline_id", timeline)
                        .query("timestamp", "2026-01-01T00:00:00Z")
                        .build(),
                NodeApiFuzz.route("GET", tl + "/branch_point")
                        .id("tenant_id", tenant)
                        .id("timeline_id", timeline)
                        .query("lsn", lsn)
                        .lsn("lsn")
                        .build(),
                NodeApiFuzz.route("GET", tl + "/basebackup")
                        .id("tenant_id", tenant)
                        .id("timeline_id", timeline)
                        .query("lsn", lsn)
                        .lsn("lsn")
                        .build(),
                NodeApiFuzz.route("PUT", tl + "/compute")
                        .id("tenant_id", tenant)
                        .id("timeline_id", timeline)
                        .field("host", "\"127.0.0.1\"")
                        .field("port", "1")
                        .field("user", "\"u\"")
                        .field("password", "\"p\"")
                        .build(),
                NodeApiFuzz.route("DELETE", tl + "/compute")
                        .id("tenant_id", tenant)
                        .id("timeline_id", timeline)
                        .build(),
                NodeApiFuzz.route("GET", tl + "/layer")
                        .id("tenant_id", tenant)
                        .id("timeline_id", timeline)
                        .build());
    }

    @Provide
    Arbitrary<NodeApiFuzz.Request> requests() {
        return NodeApiFuzz.requests(routes);
    }

    @Property(tries = 300, shrinking = ShrinkingMode.BOUNDED)
    void everyHostileInputIsA4xxNamingItNeverA5xx(@ForAll("requests") NodeApiFuzz.Request request) throws Exception {
        HttpResponse<String> response = NodeApiFuzz.send(HTTP, baseUrl, TOKEN, request);
        Statistics.label("answers").collect(response.statusCode());
        assertThat(NodeApiFuzz.problem(request, response))
                .as(request.toString())
                .isNull();
    }
}

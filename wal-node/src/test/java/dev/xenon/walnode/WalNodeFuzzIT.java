package dev.xenon.walnode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xenon.testsupport.TestDirectories;
import dev.xenon.testsupport.fuzz.FuzzSettings;
import dev.xenon.testsupport.fuzz.NodeApiFuzz;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
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
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 9 (a) for the WAL node: its API, behind the node token, fed one hostile input at a time —
 * malformed LSNs ({@code 0/}, {@code /0}, {@code G/0}, {@code 1/1/1}, over 32 bits a half, signs,
 * 10 kB), timeline ids that are not ids, terms that are not terms, bodies that are not JSON —
 * answers a 4xx {@code {code, message}}, a 400 naming the field at fault, never a 5xx (see {@link
 * NodeApiFuzz}). {@code -Dxenon.fuzz.cases=N} runs more, {@code -Dxenon.fuzz.seed=S} replays.
 */
@AddLifecycleHook(FuzzSettings.class)
class WalNodeFuzzIT {

    static final String TOKEN = "wal-node-fuzz-token";
    static final String TIMELINE = "0123456789abcdef0123456789abcdef";
    static final Path DATA = TestDirectories.create("wal-fuzz");

    static ConfigurableApplicationContext node;
    static String baseUrl;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static final String COMPUTE = "{\"host\":\"127.0.0.1\",\"port\":1,\"user\":\"u\",\"password\":\"p\"}";
    static final List<NodeApiFuzz.Route> ROUTES = List.of(
            NodeApiFuzz.route("GET", "/v1/timeline/{timelineId}")
                    .id("timelineId", TIMELINE)
                    .build(),
            NodeApiFuzz.route("PUT", "/v1/timeline/{timelineId}/term")
                    .id("timelineId", TIMELINE)
                    .field("term", "1")
                    .build(),
            NodeApiFuzz.route("POST", "/v1/timeline/{timelineId}/follow")
                    .id("timelineId", TIMELINE)
                    .field("term", "1")
                    .field("startLsn", "\"0/1000000\"")
                    .field("compute", COMPUTE)
                    .lsn("startLsn")
                    .build(),
            NodeApiFuzz.route("DELETE", "/v1/timeline/{timelineId}/follow")
                    .id("timelineId", TIMELINE)
                    .build(),
            NodeApiFuzz.route("POST", "/v1/timeline/{timelineId}/remove-before")
                    .id("timelineId", TIMELINE)
                    .field("lsn", "\"0/0\"")
                    .lsn("lsn")
                    .build(),
            NodeApiFuzz.route("GET", "/v1/timeline/{timelineId}/wal")
                    .id("timelineId", TIMELINE)
                    .query("from", "0/0")
                    .query("to", "FFFFFFFF/FFFFFFFF")
                    .lsn("from", "to")
                    .build());

    @BeforeContainer
    static void aWalNodeWithATimelineAtTerm1000() throws Exception {
        node = WalNodeApplication.builder()
                .run(
                        "--server.port=0",
                        "--server.address=127.0.0.1",
                        "--spring.main.banner-mode=off",
                        "--xenon.wal-node.data-dir=" + DATA,
                        "--xenon.wal-node.name=wal-fuzz",
                        "--xenon.node-token=" + TOKEN);
        baseUrl = "http://127.0.0.1:" + node.getEnvironment().getProperty("local.server.port");
        NodeApiFuzz.Request term = new NodeApiFuzz.Request(ROUTES.get(1), "term", "1000");
        assertThat(NodeApiFuzz.send(HTTP, baseUrl, TOKEN, term).statusCode()).isEqualTo(200);
    }

    @AfterContainer
    static void stop() {
        if (node != null) {
            node.close();
        }
        TestDirectories.deleteRecursively(DATA);
    }

    @Provide
    Arbitrary<NodeApiFuzz.Request> requests() {
        return NodeApiFuzz.requests(ROUTES);
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

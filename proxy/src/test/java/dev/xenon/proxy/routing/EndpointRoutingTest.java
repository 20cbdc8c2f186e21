package dev.xenon.proxy.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xenon.proxy.wire.ProxyException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointRoutingTest {

    @Test
    void optionsNameTheEndpointAndAreStrippedOfIt() throws Exception {
        var route = EndpointRouting.fromOptions(params("endpoint=ep-cool-name-123456"))
                .orElseThrow();
        assertThat(route.endpointId()).isEqualTo("ep-cool-name-123456");
        assertThat(route.computeParameters()).doesNotContainKey("options").containsEntry("user", "alice");

        var mixed = EndpointRouting.fromOptions(params("-c search_path=s project=ep-a-1  -c statement_timeout=5"))
                .orElseThrow();
        assertThat(mixed.endpointId()).isEqualTo("ep-a-1");
        assertThat(mixed.computeParameters()).containsEntry("options", "-c search_path=s -c statement_timeout=5");
    }

    @Test
    void theTlsServerNameNamesTheEndpointByItsFirstLabel() throws Exception {
        assertThat(EndpointRouting.fromServerName("ep-cool-name-123456.eu.xenon.example"))
                .contains("ep-cool-name-123456");
        assertThat(EndpointRouting.fromServerName("EP-Cool-Name-123456-pooler.localhost"))
                .contains("ep-cool-name-123456");
        assertThat(EndpointRouting.fromServerName("localhost")).isEmpty();
        assertThat(EndpointRouting.fromServerName("db.xenon.example")).isEmpty();
        assertThat(EndpointRouting.fromServerName(null)).isEmpty();
        assertThatThrownBy(() -> EndpointRouting.fromServerName("ep-$$$.localhost"))
                .isInstanceOfSatisfying(
                        ProxyException.class, e -> assertThat(e.sqlState()).isEqualTo("3D000"));
    }

    @Test
    void thePoolerHostNamesTheSameEndpoint() throws Exception {
        assertThat(EndpointRouting.fromOptions(params("endpoint=ep-cool-name-123456-pooler"))
                        .orElseThrow()
                        .endpointId())
                .isEqualTo("ep-cool-name-123456");
        assertThat(EndpointRouting.fromPassword("endpoint=ep-x-9-pooler;pw")
                        .orElseThrow()
                        .endpointId())
                .isEqualTo("ep-x-9");
    }

    @Test
    void optionsWithoutAnEndpointRouteNothing() throws Exception {
        assertThat(EndpointRouting.fromOptions(params("-c search_path=s"))).isEmpty();
        assertThat(EndpointRouting.fromOptions(Map.of("user", "alice"))).isEmpty();
    }

    @Test
    void optionsNamingTwoEndpointsOrAnInvalidIdAreRefused() {
        assertThatThrownBy(() -> EndpointRouting.fromOptions(params("endpoint=ep-a-1 endpoint=ep-b-2")))
                .isInstanceOfSatisfying(
                        ProxyException.class, e -> assertThat(e.sqlState()).isEqualTo("08004"));
        assertThatThrownBy(() -> EndpointRouting.fromOptions(params("endpoint=not-an-endpoint")))
                .isInstanceOfSatisfying(
                        ProxyException.class, e -> assertThat(e.sqlState()).isEqualTo("3D000"));
    }

    @Test
    void thePasswordNamesTheEndpointWithSemicolonOrDollar() throws Exception {
        var semicolon = EndpointRouting.fromPassword("endpoint=ep-cool-name-123456;s3cr;t$")
                .orElseThrow();
        assertThat(semicolon.endpointId()).isEqualTo("ep-cool-name-123456");
        assertThat(semicolon.password()).isEqualTo("s3cr;t$");
        var dollar = EndpointRouting.fromPassword("project=ep-x-9$pw").orElseThrow();
        assertThat(dollar.endpointId()).isEqualTo("ep-x-9");
        assertThat(dollar.password()).isEqualTo("pw");
        assertThat(EndpointRouting.fromPassword("plain-password")).isEmpty();
        assertThatThrownBy(() -> EndpointRouting.fromPassword("endpoint=ep-x-9"))
                .isInstanceOfSatisfying(
                        ProxyException.class, e -> assertThat(e.sqlState()).isEqualTo("08004"));
        assertThat(EndpointRouting.noEndpoint().sqlState()).isEqualTo("08004");
    }

    private static Map<String, String> params(String options) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("user", "alice");
        p.put("database", "neondb");
        p.put("options", options);
        return p;
    }
}

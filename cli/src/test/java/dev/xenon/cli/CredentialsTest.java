package dev.xenon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {

    @TempDir
    Path home;

    @Test
    void theOptionWinsThenXenonsVariableThenNeonsThenTheFileThenTheLocalKey() throws Exception {
        Files.createDirectories(home.resolve(".config/xenon"));
        Files.writeString(
                home.resolve(".config/xenon/credentials.json"),
                "{\"api_key\":\"from-file\",\"api_host\":\"https://xenon.example.com\"}");
        Files.createDirectories(home.resolve(".xenon"));
        Files.writeString(home.resolve(".xenon/api-key"), "from-local\n");
        Map<String, String> env = Map.of("XENON_API_KEY", "from-xenon", "NEON_API_KEY", "from-neon");

        assertThat(Credentials.resolve(null, "from-option", env, home).apiKey()).isEqualTo("from-option");
        assertThat(Credentials.resolve(null, null, env, home).apiKey()).isEqualTo("from-xenon");
        assertThat(Credentials.resolve(null, null, Map.of("NEON_API_KEY", "from-neon"), home)
                        .apiKey())
                .isEqualTo("from-neon");
        Credentials fromFile = Credentials.resolve(null, null, Map.of(), home);
        assertThat(fromFile.apiKey()).isEqualTo("from-file");
        assertThat(fromFile.apiHost()).isEqualTo("https://xenon.example.com/api/v2");
        assertThat(fromFile.keySource()).endsWith("credentials.json");

        Files.delete(home.resolve(".config/xenon/credentials.json"));
        Credentials local = Credentials.resolve(null, null, Map.of(), home);
        assertThat(local.apiKey()).isEqualTo("from-local");
        assertThat(local.apiHost()).isEqualTo(Credentials.DEFAULT_API_HOST);
        // never sent to another host
        assertThatThrownBy(() ->
                        Credentials.resolve(null, null, Map.of("XENON_API_HOST", "https://xenon.example.com"), home))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("no API key");
    }

    @Test
    void noKeyAnywhereIsAUsageError() {
        assertThatThrownBy(() -> Credentials.resolve(null, null, Map.of(), home))
                .isInstanceOfSatisfying(
                        CliException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
                .hasMessageContaining("no API key")
                .hasMessageContaining("XENON_API_KEY");
    }

    @Test
    void theHostGetsApiV2OnceAndMustBeAUrl() {
        assertThat(Credentials.normalizeHost("http://h:8080")).isEqualTo("http://h:8080/api/v2");
        assertThat(Credentials.normalizeHost("http://h:8080/api/v2/")).isEqualTo("http://h:8080/api/v2");
        assertThatThrownBy(() -> Credentials.normalizeHost("h:8080")).isInstanceOf(CliException.class);
    }
}

package dev.xenon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** What the CLI decides without an API: usage errors, help, tables. (Against a platform: local's CliIT.) */
class XenonTest {

    @TempDir
    Path home;

    record Run(int code, String out, String err) {}

    Run xenon(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Xenon.run(env, home, new PrintWriter(out), new PrintWriter(err), false, args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(xenon(Map.of()).code()).isEqualTo(2);
        assertThat(xenon(Map.of(), "branches").code()).isEqualTo(2);
        assertThat(xenon(Map.of(), "no-such-command").code()).isEqualTo(2);
        Run badFormat = xenon(Map.of("XENON_API_KEY", "k"), "projects", "list", "-o", "yaml");
        assertThat(badFormat.code()).isEqualTo(2);
        assertThat(badFormat.err()).contains("yaml");
        Run noKey = xenon(Map.of(), "projects", "list");
        assertThat(noKey.code()).isEqualTo(2);
        assertThat(noKey.err()).startsWith("xenon: no API key");
    }

    @Test
    void helpListsTheCommandsAndExitCodes() {
        Run help = xenon(Map.of(), "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out())
                .contains("projects", "branches", "endpoints", "connection-string", "psql")
                .contains("Exit codes");
    }

    @Test
    void tablesAlignTheirColumns() {
        JsonNode rows = ApiClient.JSON.readTree("[{\"id\":\"br-a\",\"name\":\"main\"},{\"id\":\"br-long-id\"}]");
        List<JsonNode> list = rows.valueStream().toList();
        String table = Output.table(list, List.of(new Output.Column("ID", "id"), new Output.Column("NAME", "name")));
        assertThat(table).isEqualTo("ID          NAME\nbr-a        main\nbr-long-id  \n");
    }
}

package dev.xenon.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * Runs {@code psql} on a branch's connection URI; its exit code is psql's. The password goes in {@code PGPASSWORD},
 * not on psql's command line (where {@code ps} would show it).
 */
@Command(
        name = "psql",
        description = "Runs psql connected to a branch: xenon psql [BRANCH] [-- PSQL_ARGS...]"
                + " (psql from $XENON_PSQL or PATH).")
final class PsqlCommand extends Base {

    @Mixin
    Base.ProjectOption projectOption;

    @Option(names = "--database-name")
    String database;

    @Option(names = "--role-name")
    String role;

    @Parameters(paramLabel = "[BRANCH] [-- PSQL_ARGS]", description = "branch id or name, then arguments for psql")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<String> psqlArgs = new ArrayList<>(args);
        String branch = null;
        if (!psqlArgs.isEmpty() && !psqlArgs.get(0).startsWith("-")) {
            branch = psqlArgs.remove(0);
        }
        String project = project(projectOption);
        JsonNode connection = connection(project, branchOrDefault(project, branch), database, role, false);
        URI uri = URI.create(connection.path("uri").asString());
        String password = null;
        String userInfo = uri.getRawUserInfo();
        String user = userInfo;
        if (userInfo != null && userInfo.contains(":")) {
            user = userInfo.substring(0, userInfo.indexOf(':'));
            password = URLDecoder.decode(userInfo.substring(userInfo.indexOf(':') + 1), StandardCharsets.UTF_8);
        }
        String withoutPassword = uri.getScheme() + "://" + (user == null ? "" : user + "@")
                + uri.getRawAuthority().substring(userInfo == null ? 0 : userInfo.length() + 1)
                + (uri.getRawPath() == null ? "" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());

        String psql = root().env.getOrDefault("XENON_PSQL", "psql");
        List<String> command = new ArrayList<>();
        command.add(psql);
        command.add(withoutPassword);
        command.addAll(psqlArgs);
        ProcessBuilder pb = new ProcessBuilder(command);
        if (password != null) {
            pb.environment().put("PGPASSWORD", password);
        }
        Process process;
        try {
            if (root().inheritIo) {
                process = pb.inheritIO().start();
            } else {
                pb.redirectErrorStream(true);
                process = pb.start();
                process.getOutputStream().close();
                try (InputStream in = process.getInputStream()) {
                    root().out.print(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    root().out.flush();
                }
            }
        } catch (IOException e) {
            throw CliException.usage(
                    "cannot run " + psql + " (install the PostgreSQL client or set XENON_PSQL): " + e.getMessage());
        }
        return process.waitFor();
    }
}

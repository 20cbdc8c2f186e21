package dev.xenon.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

@Command(
        name = "connection-string",
        aliases = "cs",
        description = "Prints a branch's connection URI (postgresql://...), through the proxy when there is one.")
final class ConnectionStringCommand extends Base {

    @Mixin
    Base.ProjectOption projectOption;

    @Parameters(arity = "0..1", paramLabel = "BRANCH", description = "id or name (default: the default branch)")
    String branch;

    @Option(names = "--database-name", description = "default: the branch's only database, or neondb")
    String database;

    @Option(names = "--role-name", description = "default: the database's owner")
    String role;

    @Option(names = "--pooled", description = "the pooled URI")
    boolean pooled;

    @Override
    public Integer call() {
        String project = project(projectOption);
        JsonNode connection = connection(project, branchOrDefault(project, branch), database, role, pooled);
        if (root().output == Output.Format.json) {
            print(connection, java.util.List.of());
        } else {
            root().out.println(connection.path("uri").asString());
            root().out.flush();
        }
        return 0;
    }
}

package dev.xenon.cli;

import static dev.xenon.cli.ApiClient.enc;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

@Command(
        name = "projects",
        description = "List, create, show and delete projects.",
        subcommands = {
            ProjectsCommand.ListProjects.class,
            ProjectsCommand.Create.class,
            ProjectsCommand.Get.class,
            ProjectsCommand.Delete.class
        })
final class ProjectsCommand extends Group {

    static final List<Output.Column> COLUMNS = java.util.List.of(
            new Output.Column("ID", "id"),
            new Output.Column("NAME", "name"),
            new Output.Column("REGION", "region_id"),
            new Output.Column("PG", "pg_version"),
            new Output.Column("CREATED", "created_at"));

    @Command(name = "list", description = "The account's projects.")
    static final class ListProjects extends Base {
        @Override
        public Integer call() {
            print(api().get("/projects").path("projects"), COLUMNS);
            return 0;
        }
    }

    @Command(name = "create", description = "A project with its main branch, database and endpoint; waits until ready.")
    static final class Create extends Base {
        @Option(names = "--name", description = "project name")
        String name;

        @Option(names = "--region-id")
        String regionId;

        @Option(names = "--pg-version")
        Integer pgVersion;

        @Option(names = "--no-wait", description = "return without waiting for the project's operations")
        boolean noWait;

        @Override
        public Integer call() {
            ObjectNode project = ApiClient.JSON.createObjectNode();
            if (name != null) {
                project.put("name", name);
            }
            if (regionId != null) {
                project.put("region_id", regionId);
            }
            if (pgVersion != null) {
                project.put("pg_version", pgVersion);
            }
            ObjectNode body = ApiClient.JSON.createObjectNode();
            body.set("project", project);
            JsonNode created = api().post("/projects", body);
            if (!noWait) {
                api().awaitOperations(
                                created.path("project").path("id").asString(),
                                created.path("operations"),
                                root().timeout());
            }
            if (root().output == Output.Format.json) {
                print(created, COLUMNS);
            } else {
                print(created.path("project"), COLUMNS);
                for (JsonNode uri : created.path("connection_uris")) {
                    root().out.println(uri.path("connection_uri").asString());
                }
                root().out.flush();
            }
            return 0;
        }
    }

    @Command(name = "get", description = "One project.")
    static final class Get extends Base {
        @Parameters(paramLabel = "PROJECT_ID")
        String id;

        @Override
        public Integer call() {
            print(api().get("/projects/" + enc(id)).path("project"), COLUMNS);
            return 0;
        }
    }

    @Command(name = "delete", description = "Deletes a project, its branches and computes.")
    static final class Delete extends Base {
        @Parameters(paramLabel = "PROJECT_ID")
        String id;

        @Override
        public Integer call() {
            print(api().delete("/projects/" + enc(id)).path("project"), COLUMNS);
            return 0;
        }
    }
}

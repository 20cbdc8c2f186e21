package dev.xenon.cli;

import static dev.xenon.cli.ApiClient.enc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** What every command shares: the root's settings, the API client, and looking projects and branches up. */
abstract class Base implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    Xenon root() {
        return (Xenon) spec.root().userObject();
    }

    ApiClient api() {
        return root().client();
    }

    void print(JsonNode value, List<Output.Column> columns) {
        Output.print(root().out, root().output, value, columns);
    }

    /** Mixin of commands that work inside one project. */
    static final class ProjectOption {
        @Option(
                names = "--project-id",
                description = "the project (default: $XENON_PROJECT_ID, or the only project of the account)")
        String projectId;
    }

    String project(ProjectOption option) {
        if (option.projectId != null && !option.projectId.isBlank()) {
            return option.projectId;
        }
        String fromEnv = root().env.get("XENON_PROJECT_ID");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        JsonNode projects = api().get("/projects").path("projects");
        if (projects.size() == 1) {
            return projects.get(0).path("id").asString();
        }
        throw CliException.usage("--project-id is needed: the account has " + projects.size() + " projects");
    }

    JsonNode branches(String project) {
        return api().get("/projects/" + enc(project) + "/branches").path("branches");
    }

    /** A branch by id or name; exit 1 when there is none. */
    JsonNode branch(String project, String idOrName) {
        for (JsonNode b : branches(project)) {
            if (b.path("id").asString().equals(idOrName)) {
                return b;
            }
        }
        for (JsonNode b : branches(project)) {
            if (b.path("name").asString().equals(idOrName)) {
                return b;
            }
        }
        throw CliException.notFound("branch \"" + idOrName + "\" not found in project " + project);
    }

    /** The named branch, or the project's default branch when {@code idOrName} is null. */
    JsonNode branchOrDefault(String project, String idOrName) {
        if (idOrName != null) {
            return branch(project, idOrName);
        }
        for (JsonNode b : branches(project)) {
            if (b.path("default").asBoolean(false)) {
                return b;
            }
        }
        throw CliException.notFound("project " + project + " has no default branch");
    }

    /** The read-write endpoint of a branch; exit 1 when it has none. */
    JsonNode readWriteEndpoint(String project, String branchId) {
        for (JsonNode e : api().get("/projects/" + enc(project) + "/branches/" + enc(branchId) + "/endpoints")
                .path("endpoints")) {
            if (e.path("type").asString().equals("read_write")) {
                return e;
            }
        }
        throw CliException.notFound("branch " + branchId + " has no read-write endpoint");
    }

    /**
     * A connection URI of a branch through the API's {@code connection_uri}: database and role default to the
     * branch's only database (or {@code neondb}) and its owner.
     */
    JsonNode connection(String project, JsonNode branch, String database, String role, boolean pooled) {
        String branchId = branch.path("id").asString();
        if (database == null || role == null) {
            JsonNode databases = api().get("/projects/" + enc(project) + "/branches/" + enc(branchId) + "/databases")
                    .path("databases");
            JsonNode chosen = null;
            List<String> names = new ArrayList<>();
            for (JsonNode d : databases) {
                names.add(d.path("name").asString());
                if (database != null
                        ? d.path("name").asString().equals(database)
                        : databases.size() == 1 || d.path("name").asString().equals("neondb")) {
                    chosen = d;
                }
            }
            if (chosen == null) {
                throw database != null
                        ? CliException.notFound("database \"" + database + "\" not found on branch " + branchId)
                        : CliException.usage("--database-name is needed: the branch has " + names);
            }
            database = chosen.path("name").asString();
            if (role == null) {
                role = chosen.path("owner_name").asString();
            }
        }
        String uri = api().get("/projects/" + enc(project) + "/connection_uri?branch_id=" + enc(branchId)
                        + "&database_name=" + enc(database) + "&role_name=" + enc(role) + "&pooled=" + pooled)
                .path("uri")
                .asString();
        return ApiClient.JSON
                .createObjectNode()
                .put("uri", uri)
                .put("project_id", project)
                .put("branch_id", branchId)
                .put("database_name", database)
                .put("role_name", role)
                .put("pooled", pooled);
    }
}

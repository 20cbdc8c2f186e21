package dev.xenon.cli;

import static dev.xenon.cli.ApiClient.enc;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

@Command(
        name = "endpoints",
        description = "List, start and suspend endpoints (computes).",
        subcommands = {
            EndpointsCommand.ListEndpoints.class,
            EndpointsCommand.Start.class,
            EndpointsCommand.Suspend.class
        })
final class EndpointsCommand extends Group {

    static final List<Output.Column> COLUMNS = List.of(
            new Output.Column("ID", "id"),
            new Output.Column("BRANCH", "branch_id"),
            new Output.Column("TYPE", "type"),
            new Output.Column("STATE", "current_state"),
            new Output.Column("HOST", "host"),
            new Output.Column("SUSPEND_TIMEOUT", "suspend_timeout_seconds"));

    @Command(name = "list", description = "The project's endpoints, or a branch's.")
    static final class ListEndpoints extends Base {
        @Mixin
        Base.ProjectOption projectOption;

        @Option(names = "--branch", description = "only this branch's (id or name)")
        String branch;

        @Override
        public Integer call() {
            String project = project(projectOption);
            String path = branch == null
                    ? "/projects/" + enc(project) + "/endpoints"
                    : "/projects/" + enc(project) + "/branches/"
                            + enc(branch(project, branch).path("id").asString()) + "/endpoints";
            print(api().get(path).path("endpoints"), COLUMNS);
            return 0;
        }
    }

    /** start and suspend: an endpoint id, or a branch (id or name) for its read-write endpoint. */
    abstract static class Action extends BranchesCommand.Mutation {
        @Parameters(paramLabel = "ENDPOINT", description = "endpoint id, or a branch id or name for its endpoint")
        String endpoint;

        int act(String action) {
            String project = project(projectOption);
            String id = endpoint.startsWith("ep-")
                    ? endpoint
                    : readWriteEndpoint(
                                    project,
                                    branch(project, endpoint).path("id").asString())
                            .path("id")
                            .asString();
            JsonNode answer = api().post("/projects/" + enc(project) + "/endpoints/" + enc(id) + "/" + action, null);
            await(project, answer);
            print(
                    noWait
                            ? answer.path("endpoint")
                            : api().get("/projects/" + enc(project) + "/endpoints/" + enc(id))
                                    .path("endpoint"),
                    COLUMNS);
            return 0;
        }
    }

    @Command(name = "start", description = "Starts an endpoint's compute; waits until it runs.")
    static final class Start extends Action {
        @Override
        public Integer call() {
            return act("start");
        }
    }

    @Command(name = "suspend", description = "Suspends an endpoint's compute; waits until it stopped.")
    static final class Suspend extends Action {
        @Override
        public Integer call() {
            return act("suspend");
        }
    }
}

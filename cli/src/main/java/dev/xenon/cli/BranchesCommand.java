package dev.xenon.cli;

import static dev.xenon.cli.ApiClient.enc;

import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

@Command(
        name = "branches",
        description = "List, create, delete, reset and restore branches.",
        subcommands = {
            BranchesCommand.ListBranches.class,
            BranchesCommand.Create.class,
            BranchesCommand.Get.class,
            BranchesCommand.Delete.class,
            BranchesCommand.Reset.class,
            BranchesCommand.Restore.class
        })
final class BranchesCommand extends Group {

    static final List<Output.Column> COLUMNS = List.of(
            new Output.Column("ID", "id"),
            new Output.Column("NAME", "name"),
            new Output.Column("PARENT", "parent_id"),
            new Output.Column("DEFAULT", "default"),
            new Output.Column("STATE", "current_state"),
            new Output.Column("CREATED", "created_at"));

    private static final Pattern LSN = Pattern.compile("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}");

    /** Mutations wait for their operations unless {@code --no-wait}. */
    abstract static class Mutation extends Base {
        @Mixin
        Base.ProjectOption projectOption;

        @Option(names = "--no-wait", description = "return without waiting for the branch's operations")
        boolean noWait;

        void await(String project, JsonNode answer) {
            if (!noWait) {
                api().awaitOperations(project, answer.path("operations"), root().timeout());
            }
        }

        /** The branch as it is now (after its operations). */
        JsonNode reread(String project, String branchId) {
            return api().get("/projects/" + enc(project) + "/branches/" + enc(branchId))
                    .path("branch");
        }
    }

    @Command(name = "list", description = "The project's branches.")
    static final class ListBranches extends Base {
        @Mixin
        Base.ProjectOption projectOption;

        @Override
        public Integer call() {
            print(branches(project(projectOption)), COLUMNS);
            return 0;
        }
    }

    @Command(name = "get", description = "One branch, by id or name.")
    static final class Get extends Base {
        @Mixin
        Base.ProjectOption projectOption;

        @Parameters(paramLabel = "BRANCH", description = "id or name")
        String branch;

        @Override
        public Integer call() {
            print(branch(project(projectOption), branch), COLUMNS);
            return 0;
        }
    }

    @Command(
            name = "create",
            description = "A branch (from the default branch's head unless told) with a read-write endpoint.")
    static final class Create extends Mutation {
        @Option(names = "--name", description = "branch name (default: generated)")
        String name;

        @Option(names = "--parent", description = "parent branch id or name (default: the default branch)")
        String parent;

        @Option(names = "--parent-timestamp", description = "branch from the parent as it was then (RFC 3339)")
        String parentTimestamp;

        @Option(names = "--parent-lsn", description = "branch from the parent at this LSN")
        String parentLsn;

        @Option(names = "--no-endpoint", description = "no compute for the branch")
        boolean noEndpoint;

        @Option(names = "--suspend-timeout", description = "seconds idle before the compute suspends (0 = default)")
        Integer suspendTimeout;

        @Override
        public Integer call() {
            String project = project(projectOption);
            ObjectNode branch = ApiClient.JSON.createObjectNode();
            if (name != null) {
                branch.put("name", name);
            }
            if (parent != null) {
                branch.put("parent_id", branch(project, parent).path("id").asString());
            }
            if (parentTimestamp != null) {
                branch.put("parent_timestamp", parentTimestamp);
            }
            if (parentLsn != null) {
                branch.put("parent_lsn", parentLsn);
            }
            ObjectNode body = ApiClient.JSON.createObjectNode();
            body.set("branch", branch);
            var endpoints = body.putArray("endpoints");
            if (!noEndpoint) {
                ObjectNode endpoint = endpoints.addObject().put("type", "read_write");
                if (suspendTimeout != null) {
                    endpoint.put("suspend_timeout_seconds", suspendTimeout);
                }
            }
            JsonNode created = api().post("/projects/" + enc(project) + "/branches", body);
            await(project, created);
            if (root().output == Output.Format.json) {
                print(created, COLUMNS);
            } else {
                print(
                        noWait
                                ? created.path("branch")
                                : reread(
                                        project,
                                        created.path("branch").path("id").asString()),
                        COLUMNS);
            }
            return 0;
        }
    }

    @Command(name = "delete", description = "Deletes a branch (not the default one, not one with children).")
    static final class Delete extends Mutation {
        @Parameters(paramLabel = "BRANCH", description = "id or name")
        String branch;

        @Override
        public Integer call() {
            String project = project(projectOption);
            String id = branch(project, branch).path("id").asString();
            JsonNode answer = api().delete("/projects/" + enc(project) + "/branches/" + enc(id));
            await(project, answer);
            print(answer.path("branch"), COLUMNS);
            return 0;
        }
    }

    @Command(
            name = "reset",
            description = "Resets a branch to its parent's head (its endpoints stay; the old state is kept"
                    + " as a backup branch).")
    static final class Reset extends Mutation {
        @Parameters(paramLabel = "BRANCH", description = "id or name")
        String branch;

        @Option(names = "--parent", required = true, description = "reset to the parent's latest state")
        boolean parent;

        @Option(names = "--preserve-under-name", description = "name of the backup branch of the old state")
        String preserveUnderName;

        @Override
        public Integer call() {
            String project = project(projectOption);
            JsonNode target = branch(project, branch);
            String parentId = target.path("parent_id").asString(null);
            if (parentId == null) {
                throw CliException.usage("branch " + target.path("id").asString() + " has no parent to reset to");
            }
            return restore(this, project, target, parentId, null, preserveUnderName);
        }
    }

    @Command(
            name = "restore",
            description = "Restores a branch to the state of a source branch, optionally at an LSN or time:"
                    + " SOURCE is <id|name|^self|^parent>[@<lsn|timestamp>].")
    static final class Restore extends Mutation {
        @Parameters(index = "0", paramLabel = "TARGET", description = "branch to restore: id or name")
        String target;

        @Parameters(index = "1", paramLabel = "SOURCE", description = "<id|name|^self|^parent>[@<lsn|timestamp>]")
        String source;

        @Option(names = "--preserve-under-name", description = "name of the backup branch of the old state")
        String preserveUnderName;

        @Override
        public Integer call() {
            String project = project(projectOption);
            JsonNode targetBranch = branch(project, target);
            int at = source.indexOf('@');
            String sourceName = at < 0 ? source : source.substring(0, at);
            String point = at < 0 ? null : source.substring(at + 1);
            String sourceId =
                    switch (sourceName) {
                        case "^self" -> targetBranch.path("id").asString();
                        case "^parent" -> {
                            String p = targetBranch.path("parent_id").asString(null);
                            if (p == null) {
                                throw CliException.usage("branch " + target + " has no parent");
                            }
                            yield p;
                        }
                        default -> branch(project, sourceName).path("id").asString();
                    };
            if (sourceName.equals("^self") && point == null) {
                throw CliException.usage("restoring a branch from itself needs a point: ^self@<lsn|timestamp>");
            }
            return restore(this, project, targetBranch, sourceId, point, preserveUnderName);
        }
    }

    static int restore(
            Mutation command,
            String project,
            JsonNode target,
            String sourceId,
            String point,
            String preserveUnderName) {
        ObjectNode body = ApiClient.JSON.createObjectNode().put("source_branch_id", sourceId);
        if (point != null) {
            body.put(LSN.matcher(point).matches() ? "source_lsn" : "source_timestamp", point);
        }
        if (preserveUnderName != null) {
            body.put("preserve_under_name", preserveUnderName);
        }
        String targetId = target.path("id").asString();
        JsonNode answer =
                command.api().post("/projects/" + enc(project) + "/branches/" + enc(targetId) + "/restore", body);
        command.await(project, answer);
        if (command.root().output == Output.Format.json) {
            command.print(answer, COLUMNS);
        } else {
            command.print(command.noWait ? answer.path("branch") : command.reread(project, targetId), COLUMNS);
        }
        return 0;
    }
}

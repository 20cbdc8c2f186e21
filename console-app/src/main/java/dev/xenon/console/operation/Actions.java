package dev.xenon.console.operation;

/** Operation actions, named as Neon names them where Neon has one. */
public final class Actions {
    private Actions() {}

    /** A new project's tenant and root timeline on the storage node. */
    public static final String CREATE_TIMELINE = "create_timeline";
    /** A branch's timeline (a child of its parent's, or a restore's new timeline). */
    public static final String CREATE_BRANCH = "create_branch";
    /** Starts an endpoint's compute (and applies the branch's roles and databases). */
    public static final String START_COMPUTE = "start_compute";
    /** Stops an endpoint's compute. */
    public static final String SUSPEND_COMPUTE = "suspend_compute";
    /** Applies role and database changes to the branch's read-write compute as SQL. */
    public static final String APPLY_CONFIG = "apply_config";
    /** Stops a branch's computes, deletes its timeline and its metadata. */
    public static final String DELETE_TIMELINE = "delete_timeline";
    /** Stops an endpoint's compute and deletes its metadata. */
    public static final String DELETE_ENDPOINT = "delete_endpoint";
    /** Deletes every timeline of a deleted project, then its metadata. Not one of Neon's actions. */
    public static final String DELETE_PROJECT = "delete_project";
}

package dev.xenon.common.storagenode;

import dev.xenon.common.Lsn;

/**
 * Answer of {@code GET .../branch_point?lsn=}: a branch of the timeline can start at {@code lsn}
 * (its history there is kept and {@code lsn} ends a WAL record). A point that can't is a 400 or 409
 * naming {@code lsn}, as the branch creation itself would answer.
 */
public record BranchPoint(Lsn lsn) {}

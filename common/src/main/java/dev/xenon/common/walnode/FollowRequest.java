package dev.xenon.common.walnode;

import dev.xenon.common.Lsn;
import dev.xenon.common.Term;

/**
 * Body of {@code POST /v1/timeline/{id}/follow}: the outcome of an election. The node cuts WAL that
 * diverges from {@code termHistory}, fetches what it lacks up to {@code startLsn} from
 * {@code donorUrl} (a peer WAL node that holds it; null when the node is the donor or the timeline
 * is new), then streams from the compute at {@code startLsn} under {@code term}.
 */
public record FollowRequest(
        Term term, Lsn startLsn, TermHistory termHistory, String donorUrl, ComputeConnection compute) {}

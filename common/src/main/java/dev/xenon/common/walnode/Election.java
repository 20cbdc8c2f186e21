package dev.xenon.common.walnode;

import dev.xenon.common.Lsn;
import dev.xenon.common.Term;
import dev.xenon.common.TimelineId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elects a new term on a timeline's WAL nodes before a compute starts writing: every node is asked
 * to accept a term higher than any it has seen; a majority must accept. The start LSN is the flush
 * LSN of the voter with the highest {@code (last log term, flush LSN)} — comparing the last term
 * first matters: a node may hold a longer tail from an older, superseded term that no majority
 * acknowledged, while WAL acknowledged under the newer term lives on a majority of which at least
 * one voter is part. That voter is the donor lagging nodes copy from.
 *
 * <p>Accepting the term fences every compute of an older term: a node that accepted it never
 * again acknowledges that compute's WAL, so the old compute can no longer gather a quorum.
 */
public final class Election {

    private static final Logger log = LoggerFactory.getLogger(Election.class);
    private static final int MAX_ATTEMPTS = 5;

    private final List<WalNodeClient> nodes;

    public Election(List<WalNodeClient> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    public record Vote(WalNodeClient node, TermResponse response) {}

    public record Result(Term term, Lsn startLsn, TermHistory termHistory, WalNodeClient donor, List<Vote> votes) {

        /** Whether no voter holds any WAL: a new timeline, whose start the caller decides. */
        public boolean isEmpty() {
            return !startLsn.isValid();
        }

        /** For a new timeline: start at {@code lsn} (where its first image ends). */
        public Result startingAt(Lsn lsn) {
            if (!isEmpty()) {
                throw new IllegalStateException("the elected start LSN is " + startLsn + ", not to be overridden");
            }
            return new Result(term, lsn, termHistory, donor, votes);
        }
    }

    /** Runs the election with a term above {@code atLeast}; throws when no majority accepts. */
    public Result elect(TimelineId timeline, Term atLeast) {
        Term term = atLeast;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Term proposed = term;
            List<Answer<TermResponse>> answers = askAll(nodes, n -> n.putTerm(timeline, proposed));
            List<Vote> votes = new ArrayList<>();
            Term highestSeen = proposed;
            boolean conflict = false;
            List<String> failures = new ArrayList<>();
            for (Answer<TermResponse> a : answers) {
                if (a.error() == null) {
                    votes.add(new Vote(a.node(), a.value()));
                } else if (a.error() instanceof WalNodeException e
                        && e.status() == 409
                        && e.error().currentTerm() != null) {
                    conflict = true;
                    Term current = Term.of(e.error().currentTerm());
                    if (current.isAfter(highestSeen)) {
                        highestSeen = current;
                    }
                    failures.add(e.getMessage());
                } else {
                    failures.add(a.error().getMessage());
                }
            }
            if (votes.size() >= majority()) {
                Vote donor =
                        votes.get(donorIndex(votes.stream().map(Vote::response).toList()));
                Lsn start = donor.response().flushLsn();
                log.info(
                        "timeline {}: term {} elected by {}/{} WAL nodes, start LSN {} from {}",
                        timeline,
                        proposed,
                        votes.size(),
                        nodes.size(),
                        start,
                        donor.node().baseUrl());
                return new Result(proposed, start, donor.response().termHistory(), donor.node(), votes);
            }
            if (!conflict || attempt == MAX_ATTEMPTS) {
                // Nodes are down or failing: a higher term would not help.
                throw new ElectionFailedException("timeline " + timeline + ": term " + proposed + " accepted by "
                        + votes.size() + " of " + nodes.size() + " WAL nodes, " + majority() + " needed: " + failures);
            }
            // Some node has seen this term or a higher one: propose above everything seen.
            term = highestSeen.next();
        }
        throw new ElectionFailedException(
                "timeline " + timeline + ": no term accepted by a majority after " + MAX_ATTEMPTS + " attempts");
    }

    /**
     * Which vote's WAL is elected: the highest {@code (last log term, flush LSN)}; the first of equals.
     */
    static int donorIndex(List<TermResponse> votes) {
        Comparator<TermResponse> order =
                Comparator.comparing(TermResponse::lastLogTerm).thenComparing(TermResponse::flushLsn);
        int best = 0;
        for (int i = 1; i < votes.size(); i++) {
            if (order.compare(votes.get(i), votes.get(best)) > 0) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Tells every voter to follow the compute at the elected start LSN (each recovers what it lacks
     * from the donor first). Returns the nodes that did; fails unless a majority did.
     */
    public List<WalNodeClient> follow(TimelineId timeline, Result result, ComputeConnection compute) {
        List<WalNodeClient> voters = result.votes().stream().map(Vote::node).toList();
        List<Answer<WalNodeClient>> answers = askAll(voters, n -> {
            String donor = n == result.donor() ? null : result.donor().baseUrl();
            n.follow(
                    timeline,
                    new FollowRequest(result.term(), result.startLsn(), result.termHistory(), donor, compute));
            return n;
        });
        List<WalNodeClient> following = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Answer<WalNodeClient> a : answers) {
            if (a.error() == null) {
                following.add(a.node());
            } else {
                failures.add(a.error().getMessage());
            }
        }
        if (following.size() < majority()) {
            throw new ElectionFailedException("timeline " + timeline + ": only " + following.size()
                    + " WAL nodes follow the compute of term " + result.term() + ": " + failures);
        }
        if (!failures.isEmpty()) {
            log.warn("timeline {}: some WAL nodes did not follow term {}: {}", timeline, result.term(), failures);
        }
        return following;
    }

    /** One node's answer to a call made to all of them: a value, or the error it failed with. */
    private record Answer<T>(WalNodeClient node, T value, RuntimeException error) {}

    /** Makes the call on every node in parallel and waits for all answers. */
    private static <T> List<Answer<T>> askAll(List<WalNodeClient> nodes, Function<WalNodeClient, T> call) {
        List<CompletableFuture<Answer<T>>> pending = nodes.stream()
                .map(n -> CompletableFuture.supplyAsync(() -> {
                    try {
                        return new Answer<>(n, call.apply(n), null);
                    } catch (RuntimeException e) {
                        return new Answer<T>(n, null, e);
                    }
                }))
                .toList();
        return pending.stream().map(CompletableFuture::join).toList();
    }

    private int majority() {
        return nodes.size() / 2 + 1;
    }
}

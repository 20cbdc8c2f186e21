package dev.xenon.walnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xenon.common.Lsn;
import dev.xenon.common.Term;
import dev.xenon.common.TimelineId;
import dev.xenon.common.walnode.ComputeConnection;
import dev.xenon.common.walnode.Election;
import dev.xenon.common.walnode.ElectionFailedException;
import dev.xenon.common.walnode.FollowRequest;
import dev.xenon.common.walnode.WalNodeClient;
import dev.xenon.testsupport.TestDirectories;
import dev.xenon.testsupport.WalNodeProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Term elections over three real WAL nodes (no compute needed). */
class ElectionIT {

    static final Path DIR = TestDirectories.create("election");
    static final List<WalNodeProcess> NODES = new ArrayList<>();
    static final List<WalNodeClient> CLIENTS = new ArrayList<>();

    @BeforeAll
    static void start() {
        for (int i = 0; i < 3; i++) {
            NODES.add(new WalNodeProcess("wal-" + i, DIR));
        }
        CompletableFuture.allOf(NODES.stream()
                        .map(n -> CompletableFuture.runAsync(n::start))
                        .toArray(CompletableFuture[]::new))
                .join();
        NODES.forEach(n -> CLIENTS.add(new WalNodeClient(n.url())));
    }

    @AfterAll
    static void stop() {
        NODES.forEach(WalNodeProcess::close);
        TestDirectories.deleteRecursively(DIR);
    }

    @Test
    void aRepeatedElectionMovesAboveEveryTermSeen() {
        TimelineId timeline = TimelineId.generate();
        Election election = new Election(CLIENTS);
        Election.Result first = election.elect(timeline, Term.of(1));
        assertThat(first.term()).isEqualTo(Term.of(1));
        assertThat(first.isEmpty()).isTrue();
        // Asking for term 1 again (a restart that does not know the last term) gets term 2.
        assertThat(election.elect(timeline, Term.of(1)).term()).isEqualTo(Term.of(2));
        // One node went ahead to term 7 (another control plane): the election goes above it.
        CLIENTS.get(2).putTerm(timeline, Term.of(7));
        Election.Result result = election.elect(timeline, Term.of(1));
        assertThat(result.term()).isEqualTo(Term.of(8));
        assertThat(result.votes()).hasSize(3);
        for (WalNodeClient c : CLIENTS) {
            assertThat(c.status(timeline).term()).isEqualTo(Term.of(8));
        }
    }

    @Test
    void aTermFollowsOneComputeOnly() {
        TimelineId timeline = TimelineId.generate();
        Election election = new Election(CLIENTS);
        Election.Result first = election.elect(timeline, Term.of(1)).startingAt(Lsn.parse("0/2000000"));
        // nobody listens on these ports: the nodes only record whom they follow and retry
        ComputeConnection a = new ComputeConnection("127.0.0.1", 1, "xenon_replicator", "pw");
        ComputeConnection b = new ComputeConnection("127.0.0.1", 2, "xenon_replicator", "pw");
        election.follow(timeline, first, a);
        // a repeated request for the same compute is fine (a control plane retrying)
        election.follow(timeline, first, a);
        for (WalNodeClient c : CLIENTS) {
            assertThatThrownBy(
                            () -> c.follow(timeline, new FollowRequest(first.term(), first.startLsn(), null, null, b)))
                    .as("%s follows a second compute in term %s", c, first.term())
                    .hasMessageContaining("TERM_TAKEN")
                    .hasMessageContaining("127.0.0.1:1");
            assertThat(c.status(timeline).term()).isEqualTo(first.term());
        }
        // with a term of its own, it is followed
        Election.Result second = election.elect(timeline, Term.of(1));
        election.follow(timeline, second, b);
        for (WalNodeClient c : CLIENTS) {
            assertThat(c.status(timeline).compute()).isEqualTo("127.0.0.1:2");
        }
    }

    @Test
    void aMajorityIsEnoughAndAMinorityIsAClearFailure() {
        TimelineId timeline = TimelineId.generate();
        List<WalNodeClient> withDeadNode = new ArrayList<>(CLIENTS.subList(0, 2));
        withDeadNode.add(new WalNodeClient("http://127.0.0.1:1"));
        assertThat(new Election(withDeadNode).elect(timeline, Term.of(1)).votes())
                .hasSize(2);

        List<WalNodeClient> minority = new ArrayList<>(CLIENTS.subList(0, 1));
        minority.add(new WalNodeClient("http://127.0.0.1:1"));
        minority.add(new WalNodeClient("http://127.0.0.1:2"));
        assertThatThrownBy(() -> new Election(minority).elect(timeline, Term.of(5)))
                .isInstanceOf(ElectionFailedException.class)
                .hasMessageContaining("accepted by 1 of 3 WAL nodes, 2 needed");
    }
}

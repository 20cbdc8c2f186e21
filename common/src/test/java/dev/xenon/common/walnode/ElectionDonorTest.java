package dev.xenon.common.walnode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xenon.common.Lsn;
import dev.xenon.common.Term;
import java.util.List;
import org.junit.jupiter.api.Test;

class ElectionDonorTest {

    private static TermResponse vote(long lastTerm, long flush) {
        TermHistory history = lastTerm == 0
                ? TermHistory.EMPTY
                : new TermHistory(List.of(new TermSwitch(Term.of(lastTerm), Lsn.of(0x100))));
        return new TermResponse(Term.of(9), Lsn.of(flush), history);
    }

    @Test
    void theNewestTermWinsOverALongerTailOfAnOlderTerm() {
        // wal-0 holds an unacknowledged tail of term 3; wal-1 holds less, but of term 4.
        assertThat(Election.donorIndex(List.of(vote(3, 0x2000), vote(4, 0x1800))))
                .isEqualTo(1);
    }

    @Test
    void withinTheSameTermTheLongestWalWins() {
        assertThat(Election.donorIndex(List.of(vote(4, 0x1000), vote(4, 0x3000), vote(4, 0x2000))))
                .isEqualTo(1);
    }

    @Test
    void lsnsCompareUnsigned() {
        assertThat(Election.donorIndex(List.of(vote(1, 0x7FFF_FFFF_FFFF_FFFFL), vote(1, 0x8000_0000_0000_0000L))))
                .isEqualTo(1);
    }

    @Test
    void emptyNodesElectNothing() {
        assertThat(Election.donorIndex(List.of(vote(0, 0), vote(0, 0)))).isEqualTo(0);
    }
}

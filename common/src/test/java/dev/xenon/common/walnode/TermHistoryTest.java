package dev.xenon.common.walnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xenon.common.Lsn;
import dev.xenon.common.Term;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class TermHistoryTest {

    private static TermHistory history(long... termLsnPairs) {
        var switches = new java.util.ArrayList<TermSwitch>();
        for (int i = 0; i < termLsnPairs.length; i += 2) {
            switches.add(new TermSwitch(Term.of(termLsnPairs[i]), Lsn.of(termLsnPairs[i + 1])));
        }
        return new TermHistory(switches);
    }

    @Test
    void sameTermSameWal() {
        // Both nodes only have term 3 WAL; they agree up to the shorter end.
        assertThat(history(3, 0x100).commonPrefixEnd(Lsn.of(0x800), history(3, 0x100), Lsn.of(0x1000)))
                .isEqualTo(Lsn.of(0x800));
    }

    @Test
    void olderTermTailIsCutWhereTheNewerTermBegan() {
        // Node: term 3 up to 0x1000 (an unacknowledged tail). Elected: term 3 then term 4 from 0x900.
        TermHistory node = history(3, 0x100);
        TermHistory elected = history(3, 0x100, 4, 0x900);
        assertThat(node.commonPrefixEnd(Lsn.of(0x1000), elected, Lsn.of(0x1200)))
                .isEqualTo(Lsn.of(0x900));
    }

    @Test
    void noCommonTermMeansNothingInCommon() {
        assertThat(history(2, 0x100).commonPrefixEnd(Lsn.of(0x500), history(5, 0x100), Lsn.of(0x600)))
                .isEqualTo(Lsn.INVALID);
    }

    @Test
    void lastTermUpToAndThen() {
        TermHistory h = history(1, 0x100, 2, 0x500);
        assertThat(h.lastTerm()).isEqualTo(Term.of(2));
        assertThat(h.upTo(Lsn.of(0x500))).isEqualTo(history(1, 0x100));
        assertThat(h.then(Term.of(3), Lsn.of(0x400))).isEqualTo(history(1, 0x100, 3, 0x400));
        assertThat(TermHistory.EMPTY.lastTerm()).isEqualTo(Term.ZERO);
    }

    @Test
    void mustGrowInTermAndLsn() {
        assertThatThrownBy(() -> history(2, 0x100, 2, 0x200)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> history(2, 0x200, 3, 0x100)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jsonIsAListOfSwitches() {
        JsonMapper json = JsonMapper.builder().build();
        TermHistory h = history(1, 0x100, 2, 0x500);
        String text = json.writeValueAsString(h);
        assertThat(text).isEqualTo("[{\"term\":1,\"lsn\":\"0/100\"},{\"term\":2,\"lsn\":\"0/500\"}]");
        assertThat(json.readValue(text, TermHistory.class)).isEqualTo(h);
        assertThat(json.readValue("[]", TermHistory.class).switches()).isEqualTo(List.of());
    }
}

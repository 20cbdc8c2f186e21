package dev.xenon.console.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IdsTest {

    private final Ids ids = new Ids(new SplittableRandom(42));

    @Test
    void idsHaveNeonsShapes() {
        for (int i = 0; i < 1000; i++) {
            assertThat(ids.project()).matches(Ids.PROJECT_ID);
            assertThat(ids.branch()).matches(Ids.BRANCH_ID);
            assertThat(ids.endpoint()).matches(Ids.ENDPOINT_ID);
        }
    }

    @Test
    void idsAreDnsLabels() {
        for (int i = 0; i < 1000; i++) {
            for (String id : new String[] {ids.project(), ids.branch(), ids.endpoint()}) {
                assertThat(id).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?");
            }
        }
    }

    @Test
    void wordListsAreLowercaseLetters() {
        assertThat(Ids.ADJECTIVES).allMatch(w -> w.matches("[a-z]+")).doesNotHaveDuplicates();
        assertThat(Ids.NOUNS).allMatch(w -> w.matches("[a-z]+")).doesNotHaveDuplicates();
    }

    @Test
    void idsDoNotRepeat() {
        Ids secure = new Ids();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(seen.add(secure.branch())).isTrue();
        }
    }
}

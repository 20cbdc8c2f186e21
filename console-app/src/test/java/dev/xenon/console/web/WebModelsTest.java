package dev.xenon.console.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xenon.common.Lsn;
import dev.xenon.common.storagenode.LayerInfo;
import dev.xenon.console.branch.BranchView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The console's pure parts: the password rule, the login throttle, the SVG layouts. */
class WebModelsTest {

    static final Instant T0 = Instant.parse("2026-11-22T04:00:00Z");

    @Test
    void passwordRule() {
        assertThat(Accounts.passwordProblem("ann@example.com", "short1")).contains("at least 10");
        assertThat(Accounts.passwordProblem("ann@example.com", "onlyletterslong"))
                .contains("Mix");
        assertThat(Accounts.passwordProblem("ann@example.com", "1234567890123")).contains("Mix");
        assertThat(Accounts.passwordProblem("annabel@example.com", "annabel-2026!"))
                .contains("email");
        assertThat(Accounts.passwordProblem("ann@example.com", "x".repeat(70) + "1234"))
                .contains("at most");
        assertThat(Accounts.passwordProblem("ann@example.com", "correct-horse-42"))
                .isNull();
    }

    @Test
    void throttleRefusesAfterTheLimitUntilTheWindowPasses() {
        MutableClock clock = new MutableClock();
        LoginThrottle throttle = new LoginThrottle(
                new WebConsoleProperties(3, 5, Duration.ofSeconds(60), Duration.ofSeconds(60), 10), clock);
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.retryAfter("A@x.io", "1.1.1.1")).isZero();
            throttle.failed("a@x.io", "1.1.1.1");
            clock.now = clock.now.plusSeconds(1);
        }
        assertThat(throttle.retryAfter("a@x.io", "2.2.2.2")).isEqualTo(57);
        assertThat(throttle.retryAfter("b@x.io", "1.1.1.1")).isZero();
        // two more from the same address, other emails: the address limit (5) is reached
        throttle.failed("c@x.io", "1.1.1.1");
        throttle.failed("d@x.io", "1.1.1.1");
        assertThat(throttle.retryAfter("e@x.io", "1.1.1.1")).isPositive();
        clock.now = clock.now.plusSeconds(60);
        assertThat(throttle.retryAfter("a@x.io", "1.1.1.1")).isZero();
    }

    @Test
    void branchTreePutsChildrenBelowTheirParentWithTheBranchPoint() {
        BranchView main = branch("br-main", null, null, T0);
        BranchView dev = branch("br-dev", "br-main", "0/1000000", T0.plusSeconds(60));
        BranchView fix = branch("br-fix", "br-dev", "0/2000000", T0.plusSeconds(90));
        BranchView other = branch("br-other", "br-main", null, T0.plusSeconds(120));
        BranchTree tree = BranchTree.of(List.of(other, fix, main, dev), T0.plusSeconds(120), 960);
        assertThat(tree.rows())
                .extracting(BranchTree.Row::id)
                .containsExactly("br-main", "br-dev", "br-fix", "br-other");
        assertThat(tree.links()).extracting(BranchTree.Link::childId).containsExactly("br-dev", "br-fix", "br-other");
        BranchTree.Link toFix = tree.links().get(1);
        assertThat(toFix.parentY()).isEqualTo(tree.rows().get(1).y());
        assertThat(toFix.childY()).isEqualTo(tree.rows().get(2).y());
        assertThat(toFix.lsn()).isEqualTo("0/2000000");
        assertThat(tree.links().get(2).lsn()).isEqualTo("head");
        // later branch points are further right; the root starts at the left edge
        assertThat(tree.rows().get(0).x1()).isEqualTo(BranchTree.LEFT);
        assertThat(tree.links().get(0).x()).isLessThan(toFix.x());
        assertThat(toFix.x()).isLessThan(tree.links().get(2).x());
    }

    @Test
    void layerMapDrawsDeltasAsRectanglesImagesAsLinesAndLsnUpwards() {
        List<LayerInfo> layers = List.of(
                new LayerInfo("image", "image_a", Lsn.of(0x1000000), Lsn.of(0x1000100), 100, true, true),
                new LayerInfo("delta", "delta_a", Lsn.of(0x1000100), Lsn.of(0x2000000), 200, true, true),
                new LayerInfo("delta", "delta_b", Lsn.of(0x2000000), Lsn.of(0x3000000), 300, false, true));
        LayerMap map = LayerMap.of(layers, Lsn.of(0x1800000), Lsn.of(0x3000000), 960, 420);
        assertThat(map.deltas()).extracting(LayerMap.Shape::name).containsExactly("delta_a", "delta_b");
        assertThat(map.images()).extracting(LayerMap.Shape::name).containsExactly("image_a");
        assertThat(map.images().getFirst().h()).isZero();
        LayerMap.Shape a = map.deltas().get(0);
        LayerMap.Shape b = map.deltas().get(1);
        assertThat(b.y()).as("newer WAL is higher up").isLessThan(a.y());
        assertThat(a.w()).as("every layer spans the key space").isEqualTo(map.plotRight() - map.plotLeft());
        assertThat(map.gcHorizon().y()).isBetween(a.y(), a.y() + a.h());
        assertThat(b.y()).isEqualTo(map.plotTop());

        assertThat(map.openLayer()).isNull();

        LayerMap noGc = LayerMap.of(layers, Lsn.INVALID, Lsn.of(0x3000000), Lsn.of(0x3800000), 960, 420);
        assertThat(noGc.gcHorizon().y()).isEqualTo(noGc.plotBottom());
        assertThat(noGc.openLayer().lsnStart()).isEqualTo("0/3000000");
        assertThat(noGc.openLayer().y()).isEqualTo(noGc.plotTop());
    }

    static BranchView branch(String id, String parent, String lsn, Instant created) {
        return new BranchView(
                id,
                "p",
                parent,
                lsn,
                null,
                id.substring(3),
                "ready",
                null,
                "console",
                parent == null,
                parent == null,
                false,
                0,
                0,
                0,
                0,
                0,
                created,
                created,
                null,
                "parent-data");
    }

    static final class MutableClock extends Clock {
        Instant now = T0;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

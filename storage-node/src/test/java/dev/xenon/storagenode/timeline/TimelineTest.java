package dev.xenon.storagenode.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xenon.common.Lsn;
import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import dev.xenon.storagenode.layer.CommitEntry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Timeline state without files: the open layer, images across ancestry, the WAL view, commit lookup. */
class TimelineTest {

    private static final TenantId TENANT = TenantId.generate();
    private static final Lsn START = Lsn.parse("0/2000000");

    private static Timeline root(Lsn last, LayerDescriptor... layers) {
        TimelineMetadata m = new TimelineMetadata(TENANT, TimelineId.generate(), null, null, 15, START, Instant.EPOCH);
        return Timeline.fromIndex(new TimelineIndex(1, m, last, List.of(layers), null), null);
    }

    private static Timeline branch(Timeline parent, Lsn at) {
        TimelineMetadata m =
                new TimelineMetadata(TENANT, TimelineId.generate(), parent.id(), at, 15, at, Instant.EPOCH);
        return Timeline.fromIndex(new TimelineIndex(1, m, at, List.of(), null), parent);
    }

    private static LayerDescriptor image(String start, String end) {
        return new LayerDescriptor(
                new dev.xenon.storagenode.layer.ImageLayerName(Lsn.parse(start), Lsn.parse(end)).toString(), 1, 0, 0);
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i);
        }
        return b;
    }

    @Test
    void appendedWalIsReadableAndOldSnapshotsStayValid() throws Exception {
        Timeline t = root(START);
        t.appendWal(bytes(100, 1), 0, 100, List.of());
        Timeline.State snapshot = t.state();
        t.appendWal(bytes(1_000_000, 7), 0, 1_000_000, List.of());

        assertThat(snapshot.lastRecordLsn()).isEqualTo(START.plus(100));
        assertThat(t.lastRecordLsn()).isEqualTo(START.plus(1_000_100));
        byte[] out = new byte[100];
        assertThat(snapshot.open().read(START.value(), out, 0, 100)).isEqualTo(100);
        assertThat(out).isEqualTo(bytes(100, 1));
        assertThat(snapshot.open().read(START.value() + 100, out, 0, 1)).isZero();
    }

    @Test
    void writingADeltaKeepsWhatFollowsItInTheOpenLayer() {
        Timeline t = root(START);
        CommitEntry early = new CommitEntry(START.plus(40), Instant.ofEpochSecond(1), 1);
        CommitEntry late = new CommitEntry(START.plus(96), Instant.ofEpochSecond(2), 2);
        t.appendWal(bytes(100, 1), 0, 100, List.of(early, late));
        LayerDescriptor delta = new LayerDescriptor(
                new dev.xenon.storagenode.layer.DeltaLayerName(START, START.plus(48)).toString(), 10, 0, 48);

        t.deltaWritten(delta);

        assertThat(t.state().diskConsistentLsn()).isEqualTo(START.plus(48));
        assertThat(t.lastRecordLsn()).isEqualTo(START.plus(100));
        assertThat(t.state().open().commitList()).containsExactly(late);
        assertThat(t.toIndex().layers()).containsExactly(delta);
        assertThat(t.toIndex().lastRecordLsn()).isEqualTo(START.plus(48));
        assertThatThrownBy(() -> t.deltaWritten(delta)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anImageIsTheNewestAtOrBeforeTheLsnFollowingAncestryBelowTheBranchPoint() {
        Timeline parent = root(
                Lsn.parse("0/5000000"),
                image("0/2000028", "0/2000100"),
                image("0/3000028", "0/3000100"),
                image("0/4000028", "0/4000100"));
        Timeline child = branch(parent, Lsn.parse("0/3800000"));

        assertThat(parent.imageFor(Lsn.parse("0/4800000")).orElseThrow().name().end())
                .isEqualTo(Lsn.parse("0/4000100"));
        assertThat(parent.imageFor(Lsn.parse("0/2000000"))).isEmpty();
        // the child's own history after the branch point does not see the parent's later image
        var chosen = child.imageFor(Lsn.parse("0/4800000")).orElseThrow();
        assertThat(chosen.owner()).isSameAs(parent);
        assertThat(chosen.name().end()).isEqualTo(Lsn.parse("0/3000100"));
    }

    @Test
    void theWalViewOfABranchIsTheParentsBelowTheBranchPointThenItsOwn() throws Exception {
        Timeline parent = root(START);
        parent.appendWal(bytes(1000, 1), 0, 1000, List.of());
        Timeline child = branch(parent, START.plus(400));
        child.appendWal(bytes(300, 100), 0, 300, List.of());

        WalView view = WalView.of(child, null);

        assertThat(view.start()).isEqualTo(START);
        assertThat(view.end()).isEqualTo(START.plus(700));
        assertThat(view.covers(START, START.plus(700))).isTrue();
        assertThat(view.covers(START, START.plus(701))).isFalse();
        byte[] out = new byte[700];
        view.readFully(START, out, 0, 700);
        byte[] expected = new byte[700];
        System.arraycopy(bytes(1000, 1), 0, expected, 0, 400);
        System.arraycopy(bytes(300, 100), 0, expected, 400, 300);
        assertThat(out).isEqualTo(expected);
    }

    @Test
    void commitTimestampsFindTheLastCommitBeforeTheFirstOneAfterTheTime() throws Exception {
        Timeline parent = root(START, image("0/1000028", "0/1000100"));
        parent.appendWal(
                bytes(1000, 1),
                0,
                1000,
                List.of(
                        new CommitEntry(START.plus(100), Instant.ofEpochSecond(10), 1),
                        new CommitEntry(START.plus(200), Instant.ofEpochSecond(20), 2),
                        new CommitEntry(START.plus(300), Instant.ofEpochSecond(30), 3)));
        Timeline child = branch(parent, START.plus(200));
        child.appendWal(bytes(100, 1), 0, 100, List.of(new CommitEntry(START.plus(280), Instant.ofEpochSecond(40), 9)));
        CommitTimestamps timestamps = new CommitTimestamps(null);

        var present = timestamps.lsnAt(parent, Instant.ofEpochSecond(25));
        assertThat(present.kind()).isEqualTo(CommitTimestamps.Kind.present);
        assertThat(present.lsn()).isEqualTo(START.plus(200));
        assertThat(timestamps.lsnAt(parent, Instant.ofEpochSecond(5)).kind()).isEqualTo(CommitTimestamps.Kind.past);
        var future = timestamps.lsnAt(parent, Instant.ofEpochSecond(99));
        assertThat(future.kind()).isEqualTo(CommitTimestamps.Kind.future);
        assertThat(future.lsn()).isEqualTo(START.plus(1000));
        // on the branch, the parent's commit at 30 s (after the branch point) does not exist
        var onBranch = timestamps.lsnAt(child, Instant.ofEpochSecond(35));
        assertThat(onBranch.kind()).isEqualTo(CommitTimestamps.Kind.present);
        assertThat(onBranch.lsn()).isEqualTo(START.plus(200));
        // before every commit, a branch's oldest start is its branch point, not the parent's image
        var pastOnBranch = timestamps.lsnAt(child, Instant.ofEpochSecond(1));
        assertThat(pastOnBranch.kind()).isEqualTo(CommitTimestamps.Kind.past);
        assertThat(pastOnBranch.lsn()).isEqualTo(START.plus(200));
        assertThat(timestamps.lsnAt(root(START), Instant.ofEpochSecond(1)).kind())
                .isEqualTo(CommitTimestamps.Kind.nodata);
    }
}

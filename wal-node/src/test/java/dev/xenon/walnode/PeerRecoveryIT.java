package dev.xenon.walnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.xenon.common.Lsn;
import dev.xenon.common.Term;
import dev.xenon.common.WalSegmentName;
import dev.xenon.common.wal.WalRecord;
import dev.xenon.common.walnode.Election;
import dev.xenon.common.walnode.TimelineStatus;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Peer recovery at a new term, and detection of a torn last write at restart. */
@ExtendWith(QuorumLogsOnFailure.class)
class PeerRecoveryIT {

    private static final int SEG = Lsn.DEFAULT_SEGMENT_SIZE;

    WalQuorum quorum;

    @AfterEach
    void tearDown() {
        if (quorum != null) {
            quorum.close();
        }
    }

    @Test
    void aNodeThatWasDownCatchesUpFromAPeerWithByteIdenticalSegments() throws Exception {
        quorum = WalQuorum.streaming();
        quorum.execute(
                "CREATE TABLE t (id serial primary key, payload text)",
                "INSERT INTO t (payload) SELECT repeat('a', 100) FROM generate_series(1, 1000)");
        quorum.nodes.get(2).kill();

        // A stretch of WAL wal-2 misses, spanning segment boundaries.
        try (Connection c = quorum.compute.connect();
                Statement s = c.createStatement()) {
            for (int i = 0; i < 3; i++) {
                s.execute("INSERT INTO t (payload) SELECT repeat('b', 500) FROM generate_series(1, 5000)");
                s.execute("SELECT pg_switch_wal()");
            }
            s.execute("INSERT INTO t (payload) SELECT repeat('c', 500) FROM generate_series(1, 2000)");
        }
        quorum.compute.stop();

        quorum.nodes.get(2).start();
        Lsn behind = quorum.clients.get(2).status(quorum.timeline).flushLsn();
        Lsn ahead = quorum.clients.get(0).status(quorum.timeline).flushLsn();
        assertThat(ahead.minus(behind))
                .as("wal-2 is behind by more than a segment")
                .isGreaterThan(SEG);

        Election.Result result = quorum.newTerm(quorum.clients, Term.of(2));
        assertThat(result.startLsn()).isEqualTo(ahead);
        assertThat(result.donor()).isNotSameAs(quorum.clients.get(2));
        TimelineStatus recovered = quorum.clients.get(2).status(quorum.timeline);
        assertThat(recovered.flushLsn()).isEqualTo(ahead);
        assertThat(recovered.term()).isEqualTo(Term.of(2));

        // Byte-identical to the donor and to the compute's own pg_wal over the recovered range.
        String tl = quorum.timeline.toString();
        Path recoveredDir = quorum.nodes.get(2).walDir(tl);
        Path donorDir = quorum.nodes.get(quorum.clients.indexOf(result.donor())).walDir(tl);
        Path pgWal = quorum.compute.dataDir().resolve("pg_wal");
        int compared = 0;
        for (long seg = behind.segmentNumber(SEG); seg <= ahead.segmentNumber(SEG); seg++) {
            WalSegmentName name = WalSegmentName.of(1, seg, SEG);
            int from = seg == behind.segmentNumber(SEG) ? behind.segmentOffset(SEG) : 0;
            int to = seg == ahead.segmentNumber(SEG) ? ahead.segmentOffset(SEG) : SEG;
            byte[] mine = slice(segmentFile(recoveredDir, name), from, to);
            assertThat(Arrays.equals(mine, slice(segmentFile(donorDir, name), from, to)))
                    .as("segment %s [%d, %d) equals the donor's", name, from, to)
                    .isTrue();
            assertThat(Arrays.equals(mine, slice(pgWal.resolve(name.toString()), from, to)))
                    .as("segment %s [%d, %d) equals the compute's pg_wal", name, from, to)
                    .isTrue();
            compared += to - from;
        }
        assertThat(compared).isGreaterThan(SEG);

        // The compute of the new term gets its commits acknowledged by all three.
        quorum.compute.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> quorum.streamingNodes() == 3);
        quorum.execute("INSERT INTO t (payload) VALUES ('after recovery')");

        // Retention: once the storage node has WAL before `ahead` in S3, whole segments before it go.
        var removed = quorum.clients.get(2).removeBefore(quorum.timeline, ahead);
        assertThat(removed.removedSegments()).isGreaterThanOrEqualTo(2);
        assertThat(removed.localStartLsn()).isEqualTo(ahead.segmentStart(SEG));
        assertThat(Files.exists(segmentFile(recoveredDir, WalSegmentName.of(1, behind.segmentNumber(SEG), SEG))))
                .isFalse();
        assertThat(quorum.clients.get(2).status(quorum.timeline).localStartLsn())
                .isEqualTo(ahead.segmentStart(SEG));
        assertThatThrownBy(() -> WalFiles.read(quorum.clients.get(2), quorum.timeline, behind, ahead))
                .isInstanceOfSatisfying(dev.xenon.common.walnode.WalNodeException.class, e -> assertThat(e.status())
                        .isEqualTo(416));
    }

    @Test
    void aTornLastWriteIsDetectedAndCutAtRestart() throws Exception {
        quorum = WalQuorum.streaming();
        quorum.execute(
                "CREATE TABLE t (id serial primary key, payload text)",
                "INSERT INTO t (payload) SELECT repeat('a', 100) FROM generate_series(1, 100)");
        quorum.compute.stop();
        var node = quorum.clients.get(0);
        TimelineStatus before = node.status(quorum.timeline);
        List<WalRecord> records = WalFiles.records(
                before.localStartLsn(),
                WalFiles.read(node, quorum.timeline, before.localStartLsn(), before.flushLsn()));
        WalRecord last = records.getLast();
        assertThat(last.end()).isEqualTo(before.flushLsn());
        quorum.nodes.get(0).kill();

        // A torn last write: the first bytes of a 300-byte record made it to disk, the rest did not
        // (a crash between write and fsync; it was never acknowledged).
        Lsn end = before.flushLsn();
        // A record ending exactly on a page boundary (about 1 in 1000 runs) would need a page header.
        org.junit.jupiter.api.Assumptions.assumeFalse(end.isPageBoundary(), "WAL ends on a page boundary");
        byte[] torn = new byte[Math.min(124, Lsn.WAL_PAGE_SIZE - end.pageOffset())];
        new java.util.Random(1).nextBytes(torn);
        torn[torn.length - 1] = 0x7F; // so the discarded byte count is exact
        java.nio.ByteBuffer header = java.nio.ByteBuffer.wrap(torn).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        header.putInt(0, 300); // xl_tot_len
        if (torn.length >= 24) {
            header.putLong(8, last.start().value()); // xl_prev
            header.put(17, (byte) 10); // xl_rmid: heap
        }
        Path file = segmentFile(
                quorum.nodes.get(0).walDir(quorum.timeline.toString()),
                WalSegmentName.of(1, end.segmentNumber(SEG), SEG));
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(end.segmentOffset(SEG));
            raf.write(torn);
        }
        quorum.nodes.get(0).start();
        TimelineStatus after = node.status(quorum.timeline);
        assertThat(after.flushLsn()).isEqualTo(end);
        assertThat(quorum.nodes.get(0).log()).contains("torn or partial write").contains(torn.length + " bytes");
        // The torn bytes are gone from disk: zeros follow the last valid record.
        assertThat(slice(file, end.segmentOffset(SEG), end.segmentOffset(SEG) + 124))
                .containsOnly((byte) 0);
    }

    @Test
    void aNodeWhoseWalDiffersFromTheComputesRefusesToExtendOrAcknowledgeIt() throws Exception {
        quorum = WalQuorum.streaming();
        quorum.execute(
                "CREATE TABLE t (id serial primary key, payload text)",
                "INSERT INTO t (payload) SELECT repeat('a', 100) FROM generate_series(1, 100)");
        var node = quorum.clients.get(0);
        Lsn end = node.status(quorum.timeline).flushLsn();
        quorum.nodes.get(0).kill();

        // Make the last page differ from the compute's in a bit no reader checks (XLP_BKP_REMOVABLE
        // in xlp_info), as WAL from a term this node missed would differ from the compute's.
        Lsn page = end.isPageBoundary() ? end.plus(-Lsn.WAL_PAGE_SIZE) : end.plus(-end.pageOffset());
        Path file = segmentFile(
                quorum.nodes.get(0).walDir(quorum.timeline.toString()),
                WalSegmentName.of(1, page.segmentNumber(SEG), SEG));
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(page.segmentOffset(SEG) + 2);
            int info = raf.read();
            raf.seek(page.segmentOffset(SEG) + 2);
            raf.write(info ^ 0x04);
        }
        quorum.nodes.get(0).start();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> node.status(quorum.timeline).receiverError() != null);
        TimelineStatus status = node.status(quorum.timeline);
        assertThat(status.receiverError()).contains("diverged");
        assertThat(status.connected()).isFalse();
        // what it held at the kill: `end`, or a little more (a background record such as
        // RUNNING_XACTS can arrive between reading `end` and the kill)
        Lsn held = status.flushLsn();
        assertThat(held).isGreaterThanOrEqualTo(end);

        // The other two still carry commits; the diverged node appends nothing more.
        quorum.execute("INSERT INTO t (payload) VALUES ('after')");
        assertThat(node.status(quorum.timeline).flushLsn()).isEqualTo(held);
        assertThat(quorum.streamingNodes()).isEqualTo(2);
    }

    private static Path segmentFile(Path dir, WalSegmentName name) {
        Path complete = dir.resolve(name.toString());
        return Files.exists(complete) ? complete : dir.resolve(name.partialName());
    }

    private static byte[] slice(Path file, int from, int to) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            byte[] b = new byte[to - from];
            raf.seek(from);
            raf.readFully(b);
            return b;
        }
    }
}

package dev.xenon.common.wal;

import static dev.xenon.common.wal.ScanSupport.COMMIT_MICROS;
import static dev.xenon.common.wal.ScanSupport.COMMIT_TIME;
import static dev.xenon.common.wal.ScanSupport.CRC;
import static dev.xenon.common.wal.ScanSupport.CRC_BODIES;
import static dev.xenon.common.wal.ScanSupport.NO_CRC;
import static dev.xenon.common.wal.ScanSupport.randomBytes;
import static dev.xenon.common.wal.ScanSupport.scanAll;
import static dev.xenon.common.wal.ScanSupport.starts;
import static dev.xenon.common.wal.SyntheticWal.PAGE;
import static dev.xenon.common.wal.SyntheticWal.SEGMENT_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xenon.common.Lsn;
import dev.xenon.common.wal.SyntheticWal.Appended;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class WalScanContentsTest {

    @Test
    void commitAbortAndPreparedRecordsCarryTheirTransactionTime() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        byte[] time = RecordPayload.xactTime(COMMIT_MICROS);
        byte[] later = RecordPayload.xactTime(COMMIT_MICROS + 1_000_001);
        wal.appendCommit(500, COMMIT_MICROS);
        wal.append(
                ResourceManagers.RM_XACT_ID,
                0x80,
                501,
                RecordPayload.mainData(later).encode()); // HAS_INFO
        wal.append(
                ResourceManagers.RM_XACT_ID,
                0x30,
                0,
                RecordPayload.mainData(time).encode());
        wal.append(
                ResourceManagers.RM_XACT_ID,
                0x20,
                502,
                RecordPayload.mainData(time).encode());
        wal.append(
                ResourceManagers.RM_XACT_ID,
                0x40,
                0,
                RecordPayload.mainData(time).encode());
        wal.append(
                ResourceManagers.RM_XACT_ID,
                0x10,
                503,
                RecordPayload.mainData(time).encode()); // PREPARE
        wal.append(
                ResourceManagers.RM_XACT_ID,
                0x00,
                504,
                new RecordPayload().withOrigin(7).withMainData(later).encode());

        List<WalRecord> records = scanAll(wal.source(), wal.base(), CRC);

        assertThat(records)
                .extracting(WalRecord::isCommit)
                .containsExactly(true, true, true, false, false, false, true);
        assertThat(records)
                .extracting(WalRecord::isAbort)
                .containsExactly(false, false, false, true, true, false, false);
        assertThat(records.get(0).commitTimestamp()).contains(COMMIT_TIME);
        assertThat(records.get(1).commitTimestamp()).contains(COMMIT_TIME.plusNanos(1_000_001_000L));
        assertThat(records.get(2).commitTimestamp()).contains(COMMIT_TIME);
        assertThat(records.get(3).commitTimestamp()).isEmpty();
        assertThat(records.get(3).transactionTime()).contains(COMMIT_TIME);
        assertThat(records.get(5).transactionTime()).isEmpty();
        assertThat(records.get(6).commitTimestamp()).contains(COMMIT_TIME.plusNanos(1_000_001_000L));
    }

    @Test
    void commitWithoutAFullTimestampIsABadBody() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        Appended a = wal.appendSmall(100);
        wal.append(
                ResourceManagers.RM_XACT_ID,
                0,
                501,
                RecordPayload.mainData(new byte[4]).encode());

        WalRecordScanner scanner = new WalRecordScanner(wal.source(), SEGMENT_SIZE, wal.base(), NO_CRC);

        assertThat(starts(scanAll(scanner))).containsExactly(a.start());
        assertThat(scanner.endReason()).contains(WalEndReason.BAD_RECORD_BODY);
    }

    @Test
    void blockReferencesAreDecoded() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        RelFileLocator rel = new RelFileLocator(1663, 5, 16384);
        byte[] image = randomBytes(8192 - 4000, 10);
        byte[] data0 = randomBytes(30, 11);
        byte[] data1 = randomBytes(12, 12);
        byte[] main = randomBytes(40, 13);
        RecordPayload payload = new RecordPayload()
                .withBlock(new RecordPayload.Block(
                        0,
                        0,
                        0,
                        rel,
                        7,
                        image,
                        100,
                        BlockImage.BKPIMAGE_HAS_HOLE | BlockImage.BKPIMAGE_APPLY,
                        0,
                        data0))
                .withBlock(RecordPayload.dataBlock(1, null, BlockReference.VISIBILITYMAP_FORKNUM, 0xFFFF_FFF0L, data1))
                .withMainData(main);
        Appended r = wal.append(ResourceManagers.RM_HEAP2_ID, 0x10, 900, payload.encode());

        WalRecord record = scanAll(wal.source(), wal.base(), CRC_BODIES).get(0);

        assertThat(record.start()).isEqualTo(r.start());
        assertThat(record.blocks()).hasSize(2);
        BlockReference b0 = record.blocks().get(0);
        assertThat(b0.relation()).isEqualTo(rel);
        assertThat(b0.forkNumber()).isEqualTo(BlockReference.MAIN_FORKNUM);
        assertThat(b0.blockNumber()).isEqualTo(7);
        assertThat(b0.hasData()).isTrue();
        BlockImage img = b0.image().orElseThrow();
        assertThat(img.length()).isEqualTo(4192);
        assertThat(img.holeOffset()).isEqualTo(100);
        assertThat(img.holeLength()).isEqualTo(4000);
        assertThat(img.isApply()).isTrue();
        assertThat(img.compression()).isEqualTo(BlockImage.Compression.NONE);
        byte[] body = record.body();
        assertThat(Arrays.copyOfRange(body, img.offset(), img.offset() + img.length()))
                .isEqualTo(image);
        assertThat(Arrays.copyOfRange(body, b0.dataOffset(), b0.dataOffset() + b0.dataLength()))
                .isEqualTo(data0);
        BlockReference b1 = record.blocks().get(1);
        assertThat(b1.relation()).isEqualTo(rel);
        assertThat(b1.forkName()).isEqualTo("vm");
        assertThat(b1.blockNumber()).isEqualTo(0xFFFF_FFF0L);
        assertThat(b1.hasImage()).isFalse();
        assertThat(Arrays.copyOfRange(body, b1.dataOffset(), b1.dataOffset() + b1.dataLength()))
                .isEqualTo(data1);
        byte[] gotMain = new byte[record.mainData().remaining()];
        record.mainData().get(gotMain);
        assertThat(gotMain).isEqualTo(main);
    }

    @Test
    void withoutBodiesTheBodyIsNotAvailable() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        wal.appendSmall(100);

        WalRecord record = scanAll(wal.source(), wal.base(), CRC).get(0);

        assertThat(record.hasBody()).isFalse();
        assertThatThrownBy(record::body).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(record::blocks).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void abandonedContinuationIsSkippedAsPostgresDoes() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        Appended a = wal.appendOfLength(6000);
        Appended torn = wal.append(
                ResourceManagers.RM_HEAP_ID,
                0,
                101,
                RecordPayload.mainData(randomBytes(5000, 14)).encode());
        Lsn page1 = wal.base().plus(PAGE);
        assertThat(torn.end()).isGreaterThan(page1);
        wal.overwriteContrecordAt(page1, a.start().value());
        byte[] overwrite = ByteBuffer.allocate(16)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(page1.value())
                .putLong(COMMIT_MICROS)
                .array();
        Appended marker = wal.append(
                ResourceManagers.RM_XLOG_ID,
                ResourceManagers.XLOG_OVERWRITE_CONTRECORD,
                0,
                RecordPayload.mainData(overwrite).encode());
        Appended b = wal.appendSmall(102);

        List<WalRecord> records = scanAll(wal.source(), wal.base(), CRC);

        assertThat(starts(records)).containsExactly(a.start(), marker.start(), b.start());
        assertThat(marker.start()).isEqualTo(page1.plus(24));
        assertThat(records.get(1).prev()).isEqualTo(a.start());
    }
}

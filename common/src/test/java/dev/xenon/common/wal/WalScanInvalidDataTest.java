package dev.xenon.common.wal;

import static dev.xenon.common.wal.ScanSupport.CRC;
import static dev.xenon.common.wal.ScanSupport.CRC_BODIES;
import static dev.xenon.common.wal.ScanSupport.NO_CRC;
import static dev.xenon.common.wal.ScanSupport.randomBytes;
import static dev.xenon.common.wal.ScanSupport.scanAll;
import static dev.xenon.common.wal.ScanSupport.starts;
import static dev.xenon.common.wal.SyntheticWal.PAGE;
import static dev.xenon.common.wal.SyntheticWal.SEGMENT_SIZE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.xenon.common.wal.SyntheticWal.Appended;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WalScanInvalidDataTest {

    private static void put16(byte[] b, int at, int v) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(at, (short) v);
    }

    private static void put32(byte[] b, int at, int v) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
    }

    /** a (small), big (pages 0 to 1), returns bytes to corrupt. */
    private record Spanning(SyntheticWal wal, Appended a, Appended big, byte[] bytes, int page1) {}

    private static Spanning spanning() {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        Appended a = wal.appendOfLength(7000);
        Appended big = wal.append(
                ResourceManagers.RM_HEAP_ID,
                0,
                101,
                RecordPayload.mainData(randomBytes(3000, 8)).encode());
        wal.appendSmall(102);
        return new Spanning(wal, a, big, wal.bytes(), wal.index(wal.base().plus(PAGE)));
    }

    private static WalRecordScanner scanCorrupted(Spanning s) throws IOException {
        WalRecordScanner scanner = new WalRecordScanner(
                new ByteArrayWalSource(s.wal().base(), s.bytes()),
                SEGMENT_SIZE,
                s.wal().base(),
                CRC);
        assertThat(starts(scanAll(scanner))).containsExactly(s.a().start());
        assertThat(scanner.endLsn()).isEqualTo(s.a().end());
        return scanner;
    }

    @Test
    void badMagicOnAContinuationPage() throws IOException {
        Spanning s = spanning();
        put16(s.bytes(), s.page1(), 0xD0FF);

        WalRecordScanner scanner = scanCorrupted(s);

        assertThat(scanner.endReason()).contains(WalEndReason.BAD_PAGE_HEADER);
        assertThat(scanner.endDetail()).contains("invalid magic number D0FF");
    }

    @Test
    void magicDifferentFromTheFirstPage() throws IOException {
        Spanning s = spanning();
        put16(s.bytes(), s.page1(), WalPageHeader.MAGIC_PG16);

        WalRecordScanner scanner = scanCorrupted(s);

        assertThat(scanner.endReason()).contains(WalEndReason.BAD_PAGE_HEADER);
        assertThat(scanner.endDetail()).contains("began with D110");
    }

    @Test
    void otherPostgresVersionsAreReadWhenConsistent() throws IOException {
        for (int magic : new int[] {WalPageHeader.MAGIC_PG16, WalPageHeader.MAGIC_PG17}) {
            SyntheticWal wal = SyntheticWal.atSegment(5).magic(magic);
            wal.appendOfLength(7000);
            wal.append(
                    ResourceManagers.RM_HEAP_ID,
                    0,
                    101,
                    RecordPayload.mainData(randomBytes(3000, 9)).encode());
            WalRecordScanner scanner = new WalRecordScanner(wal.source(), SEGMENT_SIZE, wal.base(), CRC);

            assertThat(scanAll(scanner)).hasSize(2);
            assertThat(scanner.pageMagic()).hasValue(magic);
            assertThat(scanner.endReason()).contains(WalEndReason.ZEROS);
        }
    }

    @Test
    void pageAddressNotThePagesOwnLsn() throws IOException {
        Spanning s = spanning();
        ByteBuffer.wrap(s.bytes())
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(s.page1() + 8, s.wal().base().value() + 2L * PAGE);

        WalRecordScanner scanner = scanCorrupted(s);

        assertThat(scanner.endReason()).contains(WalEndReason.BAD_PAGE_HEADER);
        assertThat(scanner.endDetail()).contains("unexpected page address");
    }

    @Test
    void continuationPageWithoutContrecordFlag() throws IOException {
        Spanning s = spanning();
        put16(s.bytes(), s.page1() + 2, WalPageHeader.XLP_BKP_REMOVABLE);

        WalRecordScanner scanner = scanCorrupted(s);

        assertThat(scanner.endReason()).contains(WalEndReason.BAD_CONTINUATION);
        assertThat(scanner.endDetail()).contains("no contrecord flag");
    }

    @Test
    void continuationPageWithWrongRemainingLength() throws IOException {
        Spanning s = spanning();
        int remLen = ByteBuffer.wrap(s.bytes()).order(ByteOrder.LITTLE_ENDIAN).getInt(s.page1() + 16);
        put32(s.bytes(), s.page1() + 16, remLen + 8);

        WalRecordScanner scanner = scanCorrupted(s);

        assertThat(scanner.endReason()).contains(WalEndReason.BAD_CONTINUATION);
        assertThat(scanner.endDetail()).contains("invalid contrecord length");
    }

    @Test
    void pageWhereARecordShouldStartClaimingAContinuation() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        Appended a = wal.appendSmall(100);
        Appended filler = wal.appendOfLength(PAGE - wal.insertPosition().pageOffset());
        wal.appendSmall(101);
        byte[] bytes = wal.bytes();
        int page1 = wal.index(filler.end());
        put16(bytes, page1 + 2, WalPageHeader.XLP_FIRST_IS_CONTRECORD);
        put32(bytes, page1 + 16, 8);

        WalRecordScanner scanner =
                new WalRecordScanner(new ByteArrayWalSource(wal.base(), bytes), SEGMENT_SIZE, wal.base(), CRC);

        assertThat(starts(scanAll(scanner))).containsExactly(a.start(), filler.start());
        assertThat(scanner.endReason()).contains(WalEndReason.BAD_CONTINUATION);
        assertThat(scanner.endLsn()).isEqualTo(filler.end());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 16, 23})
    void totalLengthBelowTheHeaderSize(int totalLength) throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        Appended a = wal.appendSmall(100);
        Appended b = wal.appendSmall(101);
        byte[] bytes = wal.bytes();
        put32(bytes, wal.index(b.start()), totalLength);

        WalRecordScanner scanner =
                new WalRecordScanner(new ByteArrayWalSource(wal.base(), bytes), SEGMENT_SIZE, wal.base(), NO_CRC);

        assertThat(starts(scanAll(scanner))).containsExactly(a.start());
        assertThat(scanner.endReason()).contains(WalEndReason.BAD_RECORD_HEADER);
        assertThat(scanner.endDetail()).contains("wanted 24, got " + totalLength);
    }

    @Test
    void unknownResourceManager() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        Appended a = wal.appendSmall(100);
        wal.append(60, 0, 101, RecordPayload.mainData(new byte[] {1}).encode());

        WalRecordScanner scanner = new WalRecordScanner(wal.source(), SEGMENT_SIZE, wal.base(), CRC);

        assertThat(starts(scanAll(scanner))).containsExactly(a.start());
        assertThat(scanner.endReason()).contains(WalEndReason.BAD_RECORD_HEADER);
    }

    @Test
    void customResourceManagersAreAccepted() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        wal.append(130, 0, 101, RecordPayload.mainData(new byte[] {1}).encode());

        List<WalRecord> records = scanAll(wal.source(), wal.base(), CRC);

        assertThat(records).singleElement().extracting(WalRecord::rmgrName).isEqualTo("custom130");
    }

    @Test
    void prevLinkNotThePreviousRecord() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        Appended a = wal.appendSmall(100);
        Appended b = wal.appendSmall(101);
        wal.appendWithPrev(
                ResourceManagers.RM_HEAP_ID, 0, 102, new byte[0], a.start().value());

        WalRecordScanner scanner = new WalRecordScanner(wal.source(), SEGMENT_SIZE, wal.base(), CRC);

        assertThat(starts(scanAll(scanner))).containsExactly(a.start(), b.start());
        assertThat(scanner.endReason()).contains(WalEndReason.BAD_PREV_LINK);
        assertThat(scanner.endLsn()).isEqualTo(b.end());
    }

    @Test
    void prevLinkIsNotCheckedForTheFirstRecordButMustPointBackwards() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        Appended a = wal.appendSmall(100);
        Appended b = wal.appendWithPrev(ResourceManagers.RM_HEAP_ID, 0, 102, new byte[0], 0x1234);
        Appended c = wal.appendWithPrev(ResourceManagers.RM_HEAP_ID, 0, 102, new byte[0], 0x7FFF_FFFFL);

        WalRecordScanner scanner = new WalRecordScanner(wal.source(), SEGMENT_SIZE, b.start(), CRC);

        assertThat(starts(scanAll(scanner))).containsExactly(b.start());
        assertThat(scanner.endReason()).contains(WalEndReason.BAD_PREV_LINK);
        assertThat(scanAll(wal.source(), c.start(), CRC)).isEmpty();
        assertThat(a.start()).isLessThan(b.start());
    }

    @Test
    void differentSystemIdentifierInTheNextSegment() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        wal.appendSmall(100);
        Appended sw = wal.appendSwitch();
        wal.appendSmall(101);
        byte[] bytes = wal.bytes();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(wal.index(sw.end()) + 24, 42L);

        WalRecordScanner scanner =
                new WalRecordScanner(new ByteArrayWalSource(wal.base(), bytes), SEGMENT_SIZE, wal.base(), CRC);

        assertThat(scanAll(scanner)).hasSize(2);
        assertThat(scanner.endReason()).contains(WalEndReason.BAD_PAGE_HEADER);
        assertThat(scanner.endDetail()).contains("database system 42");
        assertThat(scanner.endLsn()).isEqualTo(sw.end());
    }

    @Test
    void timelineMayGrowButNotShrink() throws IOException {
        SyntheticWal up = SyntheticWal.atSegment(5);
        up.appendSmall(100);
        up.appendSwitch();
        up.setTimeline(2);
        up.appendSmall(101);
        assertThat(scanAll(up.source(), up.base(), CRC)).hasSize(3);

        SyntheticWal down = SyntheticWal.atSegment(5);
        down.setTimeline(3);
        down.appendSmall(100);
        down.appendSwitch();
        down.setTimeline(2);
        down.appendSmall(101);
        WalRecordScanner scanner = new WalRecordScanner(down.source(), SEGMENT_SIZE, down.base(), CRC);
        assertThat(scanAll(scanner)).hasSize(2);
        assertThat(scanner.endReason()).contains(WalEndReason.BAD_PAGE_HEADER);
        assertThat(scanner.endDetail()).contains("out-of-sequence timeline ID 2");
    }

    @Test
    void undecodableBodyStopsOnlyWhenBodiesAreDecoded() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        Appended a = wal.appendSmall(100);
        wal.append(ResourceManagers.RM_HEAP_ID, 0, 101, new byte[] {40, 0, 0, 0}); // block_id 40

        WalRecordScanner withBodies = new WalRecordScanner(wal.source(), SEGMENT_SIZE, wal.base(), CRC_BODIES);

        assertThat(starts(scanAll(withBodies))).containsExactly(a.start());
        assertThat(withBodies.endReason()).contains(WalEndReason.BAD_RECORD_BODY);
        assertThat(withBodies.endDetail()).contains("invalid block_id 40");
        assertThat(scanAll(wal.source(), wal.base(), CRC)).hasSize(2);
    }
}

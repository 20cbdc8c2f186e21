package dev.xenon.common.wal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xenon.common.Lsn;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scanner against a real PostgreSQL 15 WAL segment and what pg_waldump says about it (see
 * src/test/resources/wal/README.txt).
 */
class RealPostgresWalTest {

    private static final String NAME = "wal/pg15-000000010000000000000002";
    private static final int SEGMENT_SIZE = Lsn.DEFAULT_SEGMENT_SIZE;
    private static final Lsn END_OF_DATA = Lsn.of(-1);

    private static final Pattern WALDUMP_LINE =
            Pattern.compile("rmgr: (\\S+)\\s+len \\(rec/tot\\):\\s+(\\d+)/\\s*(\\d+),"
                    + " tx:\\s+(\\d+), lsn: ([0-9A-F]+/[0-9A-F]+), prev ([0-9A-F]+/[0-9A-F]+), desc: (.*)");
    private static final Pattern BLKREF =
            Pattern.compile("blkref #(\\d+): rel (\\d+)/(\\d+)/(\\d+)(?: fork (\\w+))? blk (\\d+)( FPW)?");
    private static final Pattern XACT_TIME =
            Pattern.compile("^(COMMIT|ABORT) (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}) UTC");

    /** One line of pg_waldump output. */
    private record DumpRecord(
            String rmgr, int totalLength, long xid, Lsn start, Lsn prev, String desc, List<String> blocks) {}

    /** A transaction record of the facts file. */
    private record Xact(Lsn start, Lsn end, long xid, String kind, Instant time) {}

    private static byte[] segment;
    private static Lsn segmentStart;
    private static List<DumpRecord> dump;
    private static Map<String, String> facts;
    private static List<Xact> xacts;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = new GZIPInputStream(resource(NAME + ".gz"))) {
            segment = in.readAllBytes();
        }
        dump = new ArrayList<>();
        for (String line : text(NAME + ".waldump.txt").split("\n")) {
            Matcher m = WALDUMP_LINE.matcher(line);
            assertThat(m.matches()).as(line).isTrue();
            List<String> blocks = new ArrayList<>();
            Matcher b = BLKREF.matcher(m.group(7));
            while (b.find()) {
                blocks.add(blockText(
                        Integer.parseInt(b.group(1)),
                        b.group(2) + "/" + b.group(3) + "/" + b.group(4),
                        b.group(5) == null ? "main" : b.group(5),
                        Long.parseLong(b.group(6)),
                        b.group(7) != null));
            }
            dump.add(new DumpRecord(
                    m.group(1),
                    Integer.parseInt(m.group(3)),
                    Long.parseLong(m.group(4)),
                    Lsn.parse(m.group(5)),
                    Lsn.parse(m.group(6)),
                    m.group(7),
                    blocks));
        }
        facts = new HashMap<>();
        xacts = new ArrayList<>();
        for (String line : text(NAME + ".facts.txt").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String key = line.substring(0, line.indexOf('='));
            String value = line.substring(line.indexOf('=') + 1).strip();
            if (key.equals("xact")) {
                String[] f = value.split(" ");
                xacts.add(new Xact(Lsn.parse(f[0]), Lsn.parse(f[1]), Long.parseLong(f[2]), f[3], Instant.parse(f[4])));
            } else {
                facts.put(key, value);
            }
        }
        segmentStart = Lsn.parse(facts.get("segment_start"));
    }

    private static InputStream resource(String name) {
        return Objects.requireNonNull(RealPostgresWalTest.class.getClassLoader().getResourceAsStream(name), name);
    }

    private static String text(String name) {
        try (InputStream in = resource(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String blockText(int id, String rel, String fork, long block, boolean fpw) {
        return "#" + id + " " + rel + " " + fork + " " + block + (fpw ? " FPW" : "");
    }

    private static Lsn fact(String key) {
        return Lsn.parse(facts.get(key));
    }

    private static ByteArrayWalSource source() {
        return new ByteArrayWalSource(segmentStart, segment);
    }

    private static List<WalRecord> scanAll(WalRecordScanner scanner) throws IOException {
        List<WalRecord> records = new ArrayList<>();
        for (var r = scanner.next(); r.isPresent(); r = scanner.next()) {
            records.add(r.get());
        }
        return records;
    }

    private static WalRecordScanner scanner(WalSource source, Lsn start, WalScanOptions options) {
        return new WalRecordScanner(source, SEGMENT_SIZE, start, options);
    }

    @Test
    void factsMatchTheDump() {
        assertThat(segment).hasSize(SEGMENT_SIZE);
        assertThat(dump).hasSize(Integer.parseInt(facts.get("record_count")));
        assertThat(dump.get(0).start()).isEqualTo(fact("first_record"));
        assertThat(dump.get(dump.size() - 1).start()).isEqualTo(fact("last_record"));
    }

    @Test
    void recordsAreExactlyThoseOfPgWaldump() throws IOException {
        WalRecordScanner scanner =
                scanner(source(), segmentStart, WalScanOptions.defaults().withReadBodies(true));

        List<WalRecord> records = scanAll(scanner);

        assertThat(records).hasSameSizeAs(dump);
        for (int i = 0; i < dump.size(); i++) {
            DumpRecord expected = dump.get(i);
            WalRecord r = records.get(i);
            assertThat(r.start()).as("record %d", i).isEqualTo(expected.start());
            assertThat(r.prev()).as("prev of %s", r.start()).isEqualTo(expected.prev());
            assertThat(r.rmgrName()).as("rmgr of %s", r.start()).isEqualTo(expected.rmgr());
            assertThat(r.totalLength()).as("length of %s", r.start()).isEqualTo(expected.totalLength());
            assertThat(Integer.toUnsignedLong(r.xid()))
                    .as("xid of %s", r.start())
                    .isEqualTo(expected.xid());
            assertThat(r.blocks().stream()
                            .map(b -> blockText(
                                    b.blockId(), b.relation().toString(), b.forkName(), b.blockNumber(), b.hasImage()))
                            .toList())
                    .as("blocks of %s", r.start())
                    .isEqualTo(expected.blocks());
        }
        assertThat(scanner.endReason()).contains(WalEndReason.ZEROS);
        assertThat(scanner.endLsn()).isEqualTo(fact("end_of_wal"));
        assertThat(scanner.pageMagic()).hasValue(Integer.parseInt(facts.get("page_magic"), 16));
        assertThat(scanner.systemIdentifier()).hasValue(Long.parseUnsignedLong(facts.get("system_identifier")));
    }

    @Test
    void eachRecordEndsWhereTheNextStarts() throws IOException {
        List<WalRecord> records = scanAll(scanner(source(), segmentStart, WalScanOptions.defaults()));

        for (int i = 0; i + 1 < records.size(); i++) {
            Lsn end = records.get(i).end();
            Lsn expectedNext = end.isPageBoundary() ? end.plus(WalPageHeader.SHORT_SIZE) : end;
            assertThat(records.get(i + 1).start())
                    .as("after %s", records.get(i).start())
                    .isEqualTo(expectedNext);
        }
    }

    @Test
    void transactionRecordsCarryTheirTimesAndEndWhereInsertLsnWas() throws IOException {
        DateTimeFormatter waldumpTime = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
        List<WalRecord> records = scanAll(scanner(source(), segmentStart, WalScanOptions.defaults()));

        List<WalRecord> transactionEnds =
                records.stream().filter(r -> r.isCommit() || r.isAbort()).toList();

        assertThat(transactionEnds).hasSameSizeAs(xacts);
        for (int i = 0; i < xacts.size(); i++) {
            Xact expected = xacts.get(i);
            WalRecord r = transactionEnds.get(i);
            assertThat(r.start()).isEqualTo(expected.start());
            assertThat(r.end()).isEqualTo(expected.end());
            assertThat(Integer.toUnsignedLong(r.xid())).isEqualTo(expected.xid());
            assertThat(r.isCommit()).isEqualTo(expected.kind().equals("COMMIT"));
            assertThat(r.transactionTime()).contains(expected.time());
            if (r.isCommit()) {
                assertThat(r.commitTimestamp()).contains(expected.time());
            } else {
                assertThat(r.commitTimestamp()).isEmpty();
            }
            DumpRecord line = dump.stream()
                    .filter(d -> d.start().equals(r.start()))
                    .findFirst()
                    .orElseThrow();
            Matcher m = XACT_TIME.matcher(line.desc());
            assertThat(m.find()).isTrue();
            assertThat(m.group(1)).isEqualTo(expected.kind());
            assertThat(LocalDateTime.parse(m.group(2), waldumpTime).toInstant(ZoneOffset.UTC))
                    .isEqualTo(expected.time());
        }
    }

    @Test
    void logicalMessageSpanningThreePagesIsReassembled() throws IOException {
        Lsn start = fact("logical_message");
        WalRecordScanner scanner =
                scanner(source(), start, WalScanOptions.defaults().withReadBodies(true));

        WalRecord r = scanner.next().orElseThrow();

        assertThat(r.rmgrName()).isEqualTo("LogicalMessage");
        assertThat(r.totalLength()).isEqualTo(20_539);
        assertThat(r.end().value() / Lsn.WAL_PAGE_SIZE - r.start().value() / Lsn.WAL_PAGE_SIZE)
                .isEqualTo(2);
        ByteBuffer main = r.mainData(); // xl_logical_message: dbId, transactional, prefix_size, message_size
        assertThat(main.remaining()).isEqualTo(24 + 6 + 20_480);
        assertThat(main.get(4)).isEqualTo((byte) 1);
        assertThat(main.order(ByteOrder.LITTLE_ENDIAN).getLong(8)).isEqualTo(6);
        assertThat(main.getLong(16)).isEqualTo(20_480);
        byte[] prefix = new byte[5];
        main.get(24, prefix);
        assertThat(new String(prefix, StandardCharsets.US_ASCII)).isEqualTo("xenon");
    }

    @Test
    void startingAtAnyPageBoundaryFindsTheFirstRecordStartingOnIt() throws IOException {
        Lsn end = fact("end_of_wal");
        for (Lsn page = segmentStart; page.isBefore(end); page = page.plus(Lsn.WAL_PAGE_SIZE)) {
            Lsn p = page;
            List<Lsn> expected = dump.stream()
                    .map(DumpRecord::start)
                    .filter(s -> !s.isBefore(p))
                    .toList();

            WalRecordScanner scanner = scanner(source(), page, WalScanOptions.defaults());
            List<Lsn> starts = scanAll(scanner).stream().map(WalRecord::start).toList();

            assertThat(starts).as("from %s", page).isEqualTo(expected);
            assertThat(scanner.endLsn()).isEqualTo(end);
        }
    }

    @Test
    void findEndOfWalIsWherePgWaldumpStops() throws IOException {
        assertThat(WalRecordScanner.findEndOfWal(source(), SEGMENT_SIZE, segmentStart, END_OF_DATA))
                .isEqualTo(fact("end_of_wal"));
        assertThat(WalRecordScanner.findEndOfWal(source(), SEGMENT_SIZE, segmentStart, segmentStart.plus(SEGMENT_SIZE)))
                .isEqualTo(fact("end_of_wal"));
    }

    @Test
    void tornWriteInsideTheLogicalMessageEndsAtTheRecordBefore() throws IOException {
        Lsn message = fact("logical_message");
        Lsn cut = message.plus(12_000); // on the second of its three pages
        ByteArrayWalSource truncated =
                new ByteArrayWalSource(segmentStart, Arrays.copyOf(segment, (int) cut.minus(segmentStart)));

        WalRecordScanner scanner = scanner(truncated, segmentStart, WalScanOptions.defaults());
        scanAll(scanner);

        assertThat(scanner.endLsn()).isEqualTo(message);
        assertThat(scanner.endReason()).contains(WalEndReason.INCOMPLETE_RECORD);
    }

    @Test
    void zeroedTailOfTheLogicalMessageEndsAtTheRecordBefore() throws IOException {
        Lsn message = fact("logical_message");
        // zeros from the middle of its second page: the third page's header is zeros
        WalRecordScanner pageLost = scanner(zeroedFrom(message.plus(12_000)), segmentStart, WalScanOptions.defaults());
        scanAll(pageLost);
        // zeros from the middle of its last page: the header survives, the data does not
        WalRecordScanner dataLost = scanner(zeroedFrom(message.plus(20_000)), segmentStart, WalScanOptions.defaults());
        scanAll(dataLost);

        assertThat(pageLost.endLsn()).isEqualTo(message);
        assertThat(pageLost.endReason()).contains(WalEndReason.INCOMPLETE_RECORD);
        assertThat(pageLost.endDetail()).contains("zeros");
        assertThat(dataLost.endLsn()).isEqualTo(message);
        assertThat(dataLost.endReason()).contains(WalEndReason.BAD_CRC);
    }

    private static ByteArrayWalSource zeroedFrom(Lsn from) {
        byte[] zeroed = segment.clone();
        Arrays.fill(zeroed, (int) from.minus(segmentStart), zeroed.length, (byte) 0);
        return new ByteArrayWalSource(segmentStart, zeroed);
    }

    @Test
    void corruptedByteInTheLogicalMessageIsABadCrc() throws IOException {
        Lsn message = fact("logical_message");
        byte[] corrupted = segment.clone();
        corrupted[(int) message.minus(segmentStart) + 9000] ^= 0x10;

        WalRecordScanner scanner =
                scanner(new ByteArrayWalSource(segmentStart, corrupted), segmentStart, WalScanOptions.defaults());
        List<WalRecord> records = scanAll(scanner);

        assertThat(records.get(records.size() - 1).end()).isEqualTo(message);
        assertThat(scanner.endReason()).contains(WalEndReason.BAD_CRC);
        assertThat(scanner.endLsn()).isEqualTo(message);
        WalRecordScanner unchecked = scanner(
                new ByteArrayWalSource(segmentStart, corrupted),
                segmentStart,
                WalScanOptions.defaults().withValidateCrc(false));
        assertThat(scanAll(unchecked)).hasSameSizeAs(dump);
    }
}

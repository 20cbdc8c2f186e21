package dev.xenon.storagenode.layer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xenon.common.Lsn;
import dev.xenon.common.TimelineId;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Throughput of writing and reading layers, printed; not part of the normal build. Run with
 * {@code ./mvnw -pl storage-node test -Dtest=LayerThroughputTest -Dxenon.layer.benchmark=true},
 * optionally with {@code -Dxenon.layer.benchmark.tar=base.tar} (a {@code pg_basebackup -Ft} tar),
 * {@code -Dxenon.layer.benchmark.tar2=later.tar} (a later backup of the same cluster, written as a
 * second image on the first) and {@code -Dxenon.layer.benchmark.wal=<WAL segment>...} (comma
 * separated); without them it generates about 200 MB of pages and 64 MB of WAL-like bytes.
 */
@EnabledIfSystemProperty(named = "xenon.layer.benchmark", matches = "true")
class LayerThroughputTest {

    private static final int ROUNDS = 4;
    private static final TimelineId TIMELINE = TimelineId.parse("5a1c9d3b0f7e4e2a8b6c4d2e0f1a3b5c");

    @TempDir
    Path dir;

    @Test
    void imageLayers() throws IOException {
        Path tar = inputTar();
        long tarBytes = Files.size(tar);
        for (int round = 1; round <= ROUNDS; round++) {
            Path roundDir = Files.createDirectories(dir.resolve("round" + round));
            long t0 = System.nanoTime();
            WrittenLayer written;
            ImageLayerWriter.Stats stats;
            try (ImageLayerWriter writer = new ImageLayerWriter(roundDir, TIMELINE, null, null);
                    InputStream in = new BufferedInputStream(Files.newInputStream(tar), 1 << 20)) {
                writer.addTar(in);
                stats = writer.stats();
                written = writer.finish(Lsn.of(0x200_0028), Lsn.of(0x200_0100));
            }
            long t1 = System.nanoTime();
            long tarOut;
            try (ImageLayerFile image = ImageLayerFile.open(written.path())) {
                long t2 = System.nanoTime();
                tarOut = writeTarToNull(image, unused -> {
                    throw new AssertionError();
                });
                long t3 = System.nanoTime();
                System.out.printf(
                        "image round %d: tar %,d bytes, %d entries, %d blocks (%d stored), layer %,d bytes (%.1f%%);"
                                + " write %.0f MB/s, writeTar %,d bytes at %.0f MB/s, open %.1f ms%n",
                        round,
                        tarBytes,
                        stats.entries(),
                        stats.blocks(),
                        stats.newBlocks(),
                        written.size(),
                        100.0 * written.size() / tarBytes,
                        mbPerSecond(tarBytes, t1 - t0),
                        tarOut,
                        mbPerSecond(tarOut, t3 - t2),
                        (t2 - t1) / 1e6);
                if (round == 1) {
                    assertRoundTrip(tar, image, unused -> image);
                }
            }
        }
        String later = System.getProperty("xenon.layer.benchmark.tar2");
        if (later != null) {
            secondImage(tar, Path.of(later));
        }
    }

    private void secondImage(Path first, Path second) throws IOException {
        Path chain = Files.createDirectories(dir.resolve("chain"));
        WrittenLayer one;
        try (ImageLayerWriter writer = new ImageLayerWriter(chain, TIMELINE, null, null);
                InputStream in = new BufferedInputStream(Files.newInputStream(first), 1 << 20)) {
            writer.addTar(in);
            one = writer.finish(Lsn.of(0x200_0028), Lsn.of(0x200_0100));
        }
        try (ImageLayerFile older = ImageLayerFile.open(one.path())) {
            LayerRef olderRef = new LayerRef(TIMELINE, older.name());
            long t0 = System.nanoTime();
            WrittenLayer two;
            ImageLayerWriter.Stats stats;
            try (ImageLayerWriter writer = new ImageLayerWriter(chain, TIMELINE, older, olderRef);
                    InputStream in = new BufferedInputStream(Files.newInputStream(second), 1 << 20)) {
                writer.addTar(in);
                stats = writer.stats();
                two = writer.finish(Lsn.of(0x900_0028), Lsn.of(0x900_0100));
            }
            long t1 = System.nanoTime();
            try (ImageLayerFile newer = ImageLayerFile.open(two.path())) {
                for (int round = 1; round <= ROUNDS; round++) {
                    long t2 = System.nanoTime();
                    long tarOut = writeTarToNull(newer, ref -> older);
                    long t3 = System.nanoTime();
                    System.out.printf(
                            "second image: %d blocks, %d stored new (%.2f%%), layer %,d bytes (first %,d);"
                                    + " write %.0f MB/s, writeTar across 2 layers %.0f MB/s%n",
                            stats.blocks(),
                            stats.newBlocks(),
                            100.0 * stats.newBlocks() / stats.blocks(),
                            two.size(),
                            one.size(),
                            mbPerSecond(Files.size(second), t1 - t0),
                            mbPerSecond(tarOut, t3 - t2));
                }
                assertThat(newer.refs()).hasSize(2);
                assertRoundTrip(second, newer, ref -> older);
            }
        }
    }

    @Test
    void deltaLayers() throws IOException {
        byte[] wal = inputWal();
        for (int round = 1; round <= ROUNDS; round++) {
            Path roundDir = Files.createDirectories(dir.resolve("delta" + round));
            long t0 = System.nanoTime();
            WrittenLayer written = DeltaLayerWriter.write(roundDir, Lsn.of(0x1_0000_0000L), wal, wal.length, List.of());
            long t1 = System.nanoTime();
            try (DeltaLayerFile layer = DeltaLayerFile.open(written.path())) {
                byte[] page = new byte[8192];
                Lsn at = layer.start();
                long sum = 0;
                int n;
                while ((n = layer.read(at, page, 0, page.length)) > 0) {
                    sum += page[0];
                    at = at.plus(n);
                }
                long t2 = System.nanoTime();
                layer.transferTo(layer.start(), layer.end(), OutputStream.nullOutputStream());
                long t3 = System.nanoTime();
                layer.verify();
                long t4 = System.nanoTime();
                System.out.printf(
                        "delta round %d: %,d bytes of WAL -> %,d bytes (%.1f%%); write %.0f MB/s,"
                                + " read in 8 KiB pieces %.0f MB/s, transferTo %.0f MB/s, verify %.0f MB/s (%d)%n",
                        round,
                        wal.length,
                        written.size(),
                        100.0 * written.size() / wal.length,
                        mbPerSecond(wal.length, t1 - t0),
                        mbPerSecond(wal.length, t2 - t1),
                        mbPerSecond(wal.length, t3 - t2),
                        mbPerSecond(written.size(), t4 - t3),
                        sum & 1);
            }
        }
    }

    /** The image's tar holds exactly the entries of the input tar: names, types, modes, mtimes, links, content. */
    private static void assertRoundTrip(Path tar, ImageLayerFile image, ImageLayerResolver resolver)
            throws IOException {
        List<TestTar.Item> expected = TestTar.read(Files.readAllBytes(tar));
        List<TestTar.Item> actual = TestTar.read(TestTar.render(image, resolver));
        assertThat(actual.size()).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).isEqualTo(expected.get(i));
        }
        System.out.printf("round trip: %d entries identical to %s%n", expected.size(), tar);
    }

    private static long writeTarToNull(ImageLayerFile image, ImageLayerResolver resolver) throws IOException {
        CountingNullStream sink = new CountingNullStream();
        try (TarArchiveOutputStream tar = ImageLayerFile.newTarOutputStream(new BufferedOutputStream(sink, 1 << 20))) {
            image.writeTar(tar, resolver);
            tar.finish();
        }
        return sink.count;
    }

    private Path inputTar() throws IOException {
        String given = System.getProperty("xenon.layer.benchmark.tar");
        if (given != null) {
            return Path.of(given);
        }
        Path tar = dir.resolve("synthetic.tar");
        ImageLayerFileTest.DataDirectory data = ImageLayerFileTest.DataDirectory.generate(new Random(1), 0, 0);
        Random random = new Random(2);
        byte[][] templates = new byte[8][];
        for (int i = 0; i < templates.length; i++) {
            templates[i] = heapLikePage(random);
        }
        for (int r = 0; r < 200; r++) { // 200 relations of 1 MiB: 30% zero, 20% recurring, 50% unique pages
            byte[] relation = new byte[128 * 8192];
            for (int p = 0; p < 128; p++) {
                int kind = random.nextInt(10);
                if (kind >= 5) {
                    System.arraycopy(heapLikePage(random), 0, relation, p * 8192, 8192);
                } else if (kind >= 3) {
                    System.arraycopy(templates[random.nextInt(templates.length)], 0, relation, p * 8192, 8192);
                }
            }
            data.files.put("base/1/" + (16384 + r), relation);
        }
        Files.write(tar, data.tar());
        return tar;
    }

    /** Tuples of digits and small integers, about as compressible as a heap page of pgbench. */
    private static byte[] heapLikePage(Random random) {
        byte[] page = new byte[8192];
        for (int i = 24; i < 8192; i++) {
            page[i] = (byte) (i % 97 < 8 ? random.nextInt(256) : '0' + random.nextInt(10));
        }
        return page;
    }

    private byte[] inputWal() throws IOException {
        String given = System.getProperty("xenon.layer.benchmark.wal");
        if (given == null) {
            return DeltaLayerFileTest.walLike(64 << 20, 3);
        }
        List<byte[]> parts = new ArrayList<>();
        for (String file : given.split(",")) {
            parts.add(Files.readAllBytes(Path.of(file)));
        }
        byte[] wal = new byte[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, wal, at, part.length);
            at += part.length;
        }
        return wal;
    }

    private static double mbPerSecond(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    private static final class CountingNullStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}

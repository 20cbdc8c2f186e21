package dev.xenon.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestDirectoriesTest {

    @Test
    void onlyOldTestDirectoriesArePruned(@TempDir Path parent) throws Exception {
        Instant now = Instant.now();
        Path old = testDirectory(parent, "xenon-old-1", now.minus(TestDirectories.KEEP.multipliedBy(2)));
        Path recent = testDirectory(parent, "xenon-recent-1", now.minusSeconds(60));
        // a directory of the platform itself (a compute's socket directory), not a test's: no marker
        Path notATest = Files.createDirectory(parent.resolve("xenon-fe8e17cf1206"));
        Files.setLastModifiedTime(notATest, FileTime.from(now.minus(TestDirectories.KEEP.multipliedBy(2))));
        Path otherName = testDirectory(parent, "other-1", now.minus(TestDirectories.KEEP.multipliedBy(2)));

        assertThat(TestDirectories.pruneOlderThan(parent, now.minus(TestDirectories.KEEP)))
                .isEqualTo(1);
        assertThat(old).doesNotExist();
        assertThat(recent).exists();
        assertThat(notATest).exists();
        assertThat(otherName).exists();
    }

    @Test
    void aFinishedClusterKeepsItsLogsAndLosesItsData(@TempDir Path parent) throws Exception {
        Assumptions.assumeTrue(System.getenv("XENON_KEEP_TEST_DIRS") == null, "XENON_KEEP_TEST_DIRS keeps everything");
        Path dir = testDirectory(parent, "xenon-nodes-1", Instant.now());
        Path walLog = Files.writeString(dir.resolve("wal-0.log"), "started");
        Path segment =
                Files.createDirectories(dir.resolve("wal-0/timelines/t1")).resolve("000000010000000000000001.partial");
        Files.write(segment, new byte[8192]);
        Path pgLog = Files.createDirectories(dir.resolve("console/computes/ep-1/pgdata/log"))
                .resolve("postgresql.log");
        Files.writeString(pgLog, "LOG:  ready");
        Path heap = Files.createDirectories(dir.resolve("console/computes/ep-1/pgdata/base/5"))
                .resolve("1259");
        Files.write(heap, new byte[8192]);

        TestDirectories.deleteAllButLogs(dir);

        assertThat(walLog).hasContent("started");
        assertThat(pgLog).hasContent("LOG:  ready");
        assertThat(dir.resolve(TestDirectories.MARKER)).exists();
        assertThat(segment).doesNotExist();
        assertThat(dir.resolve("wal-0")).doesNotExist();
        assertThat(heap).doesNotExist();
        assertThat(dir.resolve("console/computes/ep-1/pgdata/base")).doesNotExist();
    }

    private static Path testDirectory(Path parent, String name, Instant made) throws Exception {
        Path dir = Files.createDirectories(parent.resolve(name).resolve("data")).getParent();
        Files.writeString(dir.resolve("data").resolve("segment"), "x");
        Path marker = Files.createFile(dir.resolve(TestDirectories.MARKER));
        Files.setLastModifiedTime(marker, FileTime.from(made));
        return dir;
    }
}

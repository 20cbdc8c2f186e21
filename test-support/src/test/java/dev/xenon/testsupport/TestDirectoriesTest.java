package dev.xenon.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
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

    private static Path testDirectory(Path parent, String name, Instant made) throws Exception {
        Path dir = Files.createDirectories(parent.resolve(name).resolve("data")).getParent();
        Files.writeString(dir.resolve("data").resolve("segment"), "x");
        Path marker = Files.createFile(dir.resolve(TestDirectories.MARKER));
        Files.setLastModifiedTime(marker, FileTime.from(made));
        return dir;
    }
}

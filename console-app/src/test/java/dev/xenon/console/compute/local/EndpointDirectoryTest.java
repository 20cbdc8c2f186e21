package dev.xenon.console.compute.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xenon.common.Lsn;
import dev.xenon.common.TimelineId;
import dev.xenon.common.postgres.PostgresOsUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EndpointDirectoryTest {

    @TempDir
    Path computes;

    @Test
    void stateRoundTripsAndIsPrivate() throws Exception {
        EndpointDirectory dir = EndpointDirectory.of(computes, "ep-a");
        Files.createDirectories(dir.path());
        assertThat(dir.readState()).isEqualTo(EndpointDirectory.State.EMPTY);

        TimelineId timeline = TimelineId.generate();
        EndpointDirectory.State state = new EndpointDirectory.State(
                25433, "s3cret", new EndpointDirectory.CleanStop(timeline, Lsn.parse("0/2427568"), 16));
        dir.writeState(state);
        assertThat(dir.readState()).isEqualTo(state);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.stateFile())))
                .isEqualTo("rw-------");
        assertThat(state.toString()).doesNotContain("s3cret");

        dir.writeState(state.withCleanStop(null));
        assertThat(dir.readState().cleanStop()).isNull();
        assertThat(dir.readState().port()).isEqualTo(25433);
    }

    @Test
    void endpointIdsMustBeDirectoryNames() {
        for (String bad : new String[] {"../x", "a/b", ".hidden", "", "x".repeat(64)}) {
            assertThatThrownBy(() -> EndpointDirectory.of(computes, bad)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(EndpointDirectory.of(computes, "ep-holy-frost-123456").path())
                .isEqualTo(computes.resolve("ep-holy-frost-123456"));
    }

    @Test
    void theSocketDirectoryLeavesTheEndpointDirectoryWhenItsPathWouldBeTooLong() {
        EndpointDirectory shallow = EndpointDirectory.of(Path.of("/var/xenon/computes"), "ep-a");
        assertThat(shallow.socketDirectory(25432)).isEqualTo(Path.of("/var/xenon/computes/ep-a/socket"));

        Path deep = Path.of("/var/lib/" + "very-long-directory-name/".repeat(4));
        EndpointDirectory far = EndpointDirectory.of(deep, "ep-a");
        Path socketDir = far.socketDirectory(25432);
        assertThat(socketDir.startsWith(deep)).isFalse();
        assertThat(socketDir.getFileName().toString()).startsWith("xenon-");
        assertThat(EndpointDirectory.fitsSocketPath(socketDir, 65535)).isTrue();
        // stable: the same endpoint directory always gets the same one
        assertThat(EndpointDirectory.of(deep, "ep-a").socketDirectory(25432)).isEqualTo(socketDir);
        assertThat(EndpointDirectory.of(deep, "ep-b").socketDirectory(25432)).isNotEqualTo(socketDir);
    }

    @Test
    void theSocketDirectoryIsPrivate() throws Exception {
        EndpointDirectory dir = EndpointDirectory.of(computes, "ep-a");
        Path socketDir = dir.create(PostgresOsUser.forCurrentProcess())
                .prepareSocketDirectory(PostgresOsUser.forCurrentProcess(), 25432);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socketDir)))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.path())))
                .isEqualTo("rwx------");
    }

    @Test
    void logTailReturnsTheLastLines() throws Exception {
        EndpointDirectory dir = EndpointDirectory.of(computes, "ep-a");
        Files.createDirectories(dir.path());
        assertThat(dir.logTail(3)).isEmpty();
        Files.writeString(dir.logFile(), "one\ntwo\nthree\nfour\n");
        assertThat(dir.logTail(2)).isEqualTo("three\nfour");
    }
}

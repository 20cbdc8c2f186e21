package dev.xenon.console.compute.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xenon.common.Lsn;
import dev.xenon.common.TimelineId;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When a stopped compute's data directory may serve the next start, and when it must not. */
class ReuseDecisionTest {

    final TimelineId timeline = TimelineId.generate();
    final Lsn end = Lsn.parse("0/2427568");
    final EndpointDirectory.CleanStop cleanStop = new EndpointDirectory.CleanStop(timeline, end, 16);

    @Test
    void aCleanStopAtTheBranchEndIsReused() {
        assertThat(LocalComputeDriver.reusable(cleanStop, timeline, 16, end, end))
                .isTrue();
    }

    @Test
    void anythingElseRestoresTheBasebackup() {
        Lsn later = end.plus(0x100);
        assertThat(LocalComputeDriver.reusable(null, timeline, 16, end, end)).isFalse();
        assertThat(LocalComputeDriver.reusable(cleanStop, TimelineId.generate(), 16, end, end))
                .isFalse();
        assertThat(LocalComputeDriver.reusable(cleanStop, timeline, 17, end, end))
                .isFalse();
        // another compute wrote to the branch since
        assertThat(LocalComputeDriver.reusable(cleanStop, timeline, 16, later, later))
                .isFalse();
        // the storage node is ahead of the elected start (never the case after a clean stop)
        assertThat(LocalComputeDriver.reusable(cleanStop, timeline, 16, end, later))
                .isFalse();
    }

    @Test
    void aStopLeavesAReusableDirectoryOnlyWhenEveryWalNodeHoldsItsShutdownCheckpoint() {
        Lsn checkpoint = end.plus(-0x78);
        Optional<ControlData> shutDown = Optional.of(new ControlData("shut down", checkpoint));
        assertThat(LocalComputeDriver.leavesReusableDataDirectory(shutDown, end, end))
                .isTrue();

        // crashed or killed
        assertThat(LocalComputeDriver.leavesReusableDataDirectory(
                        Optional.of(new ControlData("in production", checkpoint)), end, end))
                .isFalse();
        assertThat(LocalComputeDriver.leavesReusableDataDirectory(Optional.empty(), end, end))
                .isFalse();
        // one WAL node holds more than the majority: the next election may pick either end
        assertThat(LocalComputeDriver.leavesReusableDataDirectory(shutDown, end, end.plus(8)))
                .isFalse();
        // the WAL nodes never got the shutdown checkpoint: the data directory holds uncommitted WAL
        assertThat(LocalComputeDriver.leavesReusableDataDirectory(shutDown, checkpoint, checkpoint))
                .isFalse();
        assertThat(LocalComputeDriver.leavesReusableDataDirectory(shutDown, Lsn.INVALID, Lsn.INVALID))
                .isFalse();
    }

    @Test
    void controlDataIsParsedFromPgControldata() {
        String output = """
                pg_control version number:            1300
                Database cluster state:               shut down
                pg_control last modified:             Sun Nov 22 01:06:42 2026
                Latest checkpoint location:           0/24274F0
                Latest checkpoint's REDO location:    0/24274F0
                """;
        assertThat(ControlData.parse(output)).contains(new ControlData("shut down", Lsn.parse("0/24274F0")));
        assertThat(ControlData.parse("garbage")).isEmpty();
    }
}

package dev.xenon.console.compute.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortAllocatorTest {

    /** Ports something else listens on. */
    final Set<Integer> busy = new HashSet<>();

    final PortAllocator allocator = new PortAllocator(6000, 6004, port -> !busy.contains(port));

    @Test
    void anEndpointKeepsItsPortWhileItIsFree() {
        assertThat(allocator.allocate(6003, Set.of(6000), Set.of())).isEqualTo(6003);
        // even outside the range (the range was changed since)
        assertThat(allocator.allocate(7000, Set.of(), Set.of())).isEqualTo(7000);
    }

    @Test
    void aNewEndpointGetsTheFirstPortNoOtherEndpointRemembers() {
        busy.add(6001);
        assertThat(allocator.allocate(0, Set.of(6000, 6002), Set.of(6000))).isEqualTo(6003);
    }

    @Test
    void anEndpointWhosePortIsTakenMoves() {
        busy.add(6003);
        assertThat(allocator.allocate(6003, Set.of(6000), Set.of())).isEqualTo(6001);
        // remembered by another endpoint (which took it while this one was suspended)
        assertThat(allocator.allocate(6002, Set.of(6002), Set.of())).isEqualTo(6000);
        // held by another running compute
        assertThat(allocator.allocate(6004, Set.of(), Set.of(6004))).isEqualTo(6000);
    }

    @Test
    void whenEveryPortIsRememberedOneOfASuspendedEndpointIsTaken() {
        Set<Integer> all = Set.of(6000, 6001, 6002, 6003, 6004);
        assertThat(allocator.allocate(0, all, Set.of(6000, 6001))).isEqualTo(6002);
    }

    @Test
    void aFullRangeFailsWithAnActionableMessage() {
        busy.addAll(Set.of(6000, 6001, 6002, 6003, 6004));
        assertThatThrownBy(() -> allocator.allocate(0, Set.of(), Set.of()))
                .isInstanceOf(PortAllocator.NoFreePortException.class)
                .hasMessageContaining("6000..6004")
                .hasMessageContaining("port-range");
    }

    @Test
    void canBindSeesAListeningSocket() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(PortAllocator.canBind(socket.getLocalPort())).isFalse();
        }
    }
}

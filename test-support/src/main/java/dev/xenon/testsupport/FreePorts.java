package dev.xenon.testsupport;

import dev.xenon.common.net.LoopbackPorts;

/** A free TCP port on the loopback interface, for servers a test starts. */
public final class FreePorts {
    private FreePorts() {}

    public static int next() {
        return LoopbackPorts.free();
    }
}

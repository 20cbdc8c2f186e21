package dev.xenon.console.compute.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Chooses an endpoint's TCP port so that its connection string stays valid across suspend and
 * start: the port it had, if it is still free; otherwise the first free port of the range that no
 * other endpoint remembers; otherwise (every port of the range remembered) the first free port that
 * no running compute holds, taken from a suspended endpoint.
 *
 * <p>Pure: which ports other endpoints hold and whether a port is free are the caller's input.
 * Thread-safety: immutable; callers serialise allocation with the recording of its result.
 */
final class PortAllocator {

    /** No port could be found. */
    static final class NoFreePortException extends RuntimeException {
        NoFreePortException(String message) {
            super(message);
        }
    }

    private final int first;
    private final int last;
    private final IntPredicate isFree;

    /**
     * @param first first port of the range
     * @param last last port of the range (inclusive)
     * @param isFree whether nothing listens on a port now (see {@link #canBind})
     */
    PortAllocator(int first, int last, IntPredicate isFree) {
        if (first < 1 || last > 65535 || first > last) {
            throw new IllegalArgumentException("invalid port range " + first + ".." + last);
        }
        this.first = first;
        this.last = last;
        this.isFree = isFree;
    }

    /**
     * @param previous the endpoint's remembered port, or 0 for a new endpoint
     * @param rememberedByOthers ports other endpoints remember (running or suspended)
     * @param runningOthers ports of other endpoints' running computes
     */
    int allocate(int previous, Set<Integer> rememberedByOthers, Set<Integer> runningOthers) {
        if (previous > 0
                && !rememberedByOthers.contains(previous)
                && !runningOthers.contains(previous)
                && isFree.test(previous)) {
            return previous;
        }
        for (int port = first; port <= last; port++) {
            if (!rememberedByOthers.contains(port) && !runningOthers.contains(port) && isFree.test(port)) {
                return port;
            }
        }
        for (int port = first; port <= last; port++) {
            if (!runningOthers.contains(port) && isFree.test(port)) {
                return port;
            }
        }
        throw new NoFreePortException("no free port in " + first + ".." + last + " (" + runningOthers.size()
                + " computes running); widen xenon.compute.local.port-range-start/-end");
    }

    /** Whether a server could listen on {@code port} of the loopback address now. */
    static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // as Postgres binds: SO_REUSEADDR, so a port in TIME_WAIT counts as free
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(ComputeConfiguration.LISTEN_ADDRESS), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

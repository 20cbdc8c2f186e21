package dev.xenon.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import javax.net.SocketFactory;

/**
 * pgjdbc's {@code socketFactory} for host names that only exist for TLS: every socket connects to
 * 127.0.0.1 on the port asked for, while pgjdbc keeps using the host name it was given — for the
 * TLS server name (SNI) and the certificate check. Stands in for the wildcard DNS record
 * ({@code *.<base-domain>}) a real install has; {@code ep-....localhost} does not resolve here.
 */
public final class LoopbackSocketFactory extends SocketFactory {

    @Override
    public Socket createSocket() {
        return new Socket() {
            @Override
            public void connect(SocketAddress endpoint, int timeout) throws IOException {
                int port = ((InetSocketAddress) endpoint).getPort();
                super.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeout);
            }
        };
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(port);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected(port);
    }

    private Socket connected(int port) throws IOException {
        Socket s = createSocket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return s;
    }
}

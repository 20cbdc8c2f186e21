package dev.xenon.proxy.session;

import dev.xenon.proxy.ProxyProperties;
import dev.xenon.proxy.console.ConsoleClient;
import dev.xenon.proxy.routing.EndpointRouting;
import dev.xenon.proxy.wire.Message;
import dev.xenon.proxy.wire.ProxyException;
import dev.xenon.proxy.wire.ScramClient;
import dev.xenon.proxy.wire.StartupPacket;
import dev.xenon.proxy.wire.StartupPacket.CancelKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection, on its own virtual thread: the startup packet (answering SSLRequest and
 * GSSENCRequest with {@code N}, forwarding a CancelRequest), routing, the wake, the connection to
 * the compute with the startup packet replayed, the password exchange when the password carried
 * the endpoint, then the compute's messages up to the first ReadyForQuery (its BackendKeyData is
 * remembered for cancel requests), then bytes both ways — a blocking copy per direction, so a slow
 * reader slows the writer (backpressure). Every refusal is a FATAL {@code ErrorResponse} with a
 * SQLSTATE before the close.
 */
final class ClientSession implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);
    private static final int MAX_COMPUTE_MESSAGE = 1 << 20;
    private static final int BUFFER = 16 * 1024;
    private static final int DRAIN_MS = 1000;
    private static final int MAX_NEGOTIATIONS = 2;
    private static final long MAX_DRAIN = 1 << 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The client's connection: the accepted socket, or the TLS socket layered on it. */
    private Socket client;

    private InputStream in;
    private OutputStream out;
    private final SSLContext tls;
    private final ProxyProperties properties;
    private final ConsoleClient console;
    private final Sessions sessions;
    private final MeterRegistry meters;
    private final ScheduledExecutorService deadlines;
    /** Set by the handshake deadline: the client's input was shut down because it took too long. */
    private final AtomicBoolean expired = new AtomicBoolean();

    private ScheduledFuture<?> deadline;

    ClientSession(
            Socket client,
            SSLContext tls,
            ProxyProperties properties,
            ConsoleClient console,
            Sessions sessions,
            MeterRegistry meters,
            ScheduledExecutorService deadlines) {
        this.client = client;
        this.tls = tls;
        this.properties = properties;
        this.console = console;
        this.sessions = sessions;
        this.meters = meters;
        this.deadlines = deadlines;
    }

    @Override
    public void run() {
        Socket accepted = client;
        try (accepted) {
            client.setTcpNoDelay(true);
            client.setSoTimeout((int) properties.handshakeTimeout().toMillis());
            // the per-read timeout alone would let a client trickling a byte per interval hold a
            // handshake for ever: the client's whole part (startup, TLS, password) has one deadline
            deadline = deadlines.schedule(
                    () -> {
                        expired.set(true);
                        try {
                            accepted.shutdownInput(); // a blocked read returns: end of stream
                        } catch (IOException ignored) {
                            // already closed
                        }
                    },
                    properties.handshakeTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
            in = new BufferedInputStream(client.getInputStream(), BUFFER);
            out = client.getOutputStream();
            try {
                serve();
            } catch (ProxyException e) {
                // a read cut off by the deadline ends as "incomplete startup packet"
                refuse(expired.get() ? handshakeTimedOut() : e);
            } catch (SocketTimeoutException e) {
                refuse(handshakeTimedOut());
            } catch (IOException e) {
                if (!expired.get()) {
                    throw e;
                }
                refuse(handshakeTimedOut());
            } finally {
                deadline.cancel(false);
                client.close();
            }
        } catch (EOFException e) {
            log.debug("{}: closed by a peer: {}", accepted.getRemoteSocketAddress(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            log.debug("{}: {}", accepted.getRemoteSocketAddress(), e.toString());
        }
    }

    private static ProxyException handshakeTimedOut() {
        return new ProxyException(ProxyException.CONNECTION_FAILURE, "the connection handshake timed out");
    }

    private void serve() throws IOException, ProxyException {
        StartupPacket.Startup startup = null;
        String serverName = null;
        int negotiations = 0;
        while (startup == null) {
            StartupPacket packet = StartupPacket.read(in, properties.maxStartupPacket());
            if ((packet instanceof StartupPacket.SslRequest || packet instanceof StartupPacket.GssEncRequest)
                    && ++negotiations > MAX_NEGOTIATIONS) {
                // Postgres allows one SSLRequest and one GSSENCRequest; more would keep a handshake open
                throw new ProxyException(
                        ProxyException.PROTOCOL_VIOLATION, "too many SSLRequest/GSSENCRequest packets");
            }
            switch (packet) {
                case StartupPacket.SslRequest ssl -> {
                    if (tls == null || client instanceof SSLSocket) {
                        // no TLS configured (or already TLS): the client goes on in plain text or gives up
                        out.write('N');
                        out.flush();
                    } else {
                        serverName = startTls();
                    }
                }
                case StartupPacket.GssEncRequest gss -> {
                    out.write('N');
                    out.flush();
                }
                case StartupPacket.CancelRequest cancel -> {
                    forwardCancel(cancel);
                    return;
                }
                case StartupPacket.Startup s -> startup = s;
            }
        }
        if (!(client instanceof SSLSocket) && !properties.allowPlain()) {
            throw new ProxyException(
                    ProxyException.INVALID_AUTHORIZATION,
                    "this proxy accepts TLS connections only: connect with sslmode=require");
        }
        Optional<String> bySni = EndpointRouting.fromServerName(serverName);

        String endpointId;
        Map<String, String> computeParameters;
        String password = null;
        var byOptions = EndpointRouting.fromOptions(startup.parameters());
        if (bySni.isPresent()) {
            endpointId = bySni.get();
            computeParameters = byOptions
                    .map(EndpointRouting.OptionsRoute::computeParameters)
                    .orElse(startup.parameters());
            if (byOptions.isPresent() && !byOptions.get().endpointId().equals(endpointId)) {
                throw new ProxyException(
                        ProxyException.REJECTED,
                        "the host name names endpoint " + endpointId + ", the options "
                                + byOptions.get().endpointId());
            }
        } else if (byOptions.isPresent()) {
            endpointId = byOptions.get().endpointId();
            computeParameters = byOptions.get().computeParameters();
        } else {
            Message.authentication(Message.AUTH_CLEARTEXT, new byte[0]).write(out);
            out.flush();
            Message reply = Message.read(in, properties.maxStartupPacket());
            if (reply.type() != Message.PASSWORD) {
                throw new ProxyException(
                        ProxyException.PROTOCOL_VIOLATION,
                        "expected a password message, got message type '" + (char) reply.type() + "'");
            }
            var byPassword = EndpointRouting.fromPassword(reply.cString()).orElseThrow(EndpointRouting::noEndpoint);
            endpointId = byPassword.endpointId();
            password = byPassword.password();
            computeParameters = startup.parameters();
        }
        // the client's part is done; the wake and the compute have bounds of their own
        if (!deadline.cancel(false)) {
            throw handshakeTimedOut(); // it fired (or is firing) first
        }

        if (!sessions.tryOpen(endpointId, properties.maxConnectionsPerEndpoint())) {
            throw new ProxyException(
                    ProxyException.TOO_MANY_CONNECTIONS,
                    "too many connections for endpoint " + endpointId + " (limit "
                            + properties.maxConnectionsPerEndpoint() + ")");
        }
        try {
            ConsoleClient.ComputeAddress address = wake(endpointId);
            connect(endpointId, address, startup.withParameters(computeParameters), password);
        } finally {
            sessions.closed(endpointId);
        }
    }

    private ConsoleClient.ComputeAddress wake(String endpointId) throws ProxyException {
        long started = System.nanoTime();
        String result = "error";
        try {
            ConsoleClient.ComputeAddress address = console.wake(endpointId);
            result = "ok";
            return address;
        } finally {
            Timer.builder("xenon.proxy.wake")
                    .description("wake_compute calls to the control plane, by result")
                    .tag("result", result)
                    .register(meters)
                    .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    private void connect(
            String endpointId, ConsoleClient.ComputeAddress address, StartupPacket.Startup startup, String password)
            throws IOException, ProxyException {
        InputStream clientIn = in;
        OutputStream clientOut = out;
        InetSocketAddress computeAddress = new InetSocketAddress(address.host(), address.port());
        Socket compute = new Socket();
        try (compute) {
            try {
                compute.connect(
                        computeAddress, (int) properties.connectTimeout().toMillis());
            } catch (IOException e) {
                throw new ProxyException(
                        ProxyException.CANNOT_CONNECT_NOW,
                        "could not connect to the compute of " + endpointId + ": " + e.getMessage());
            }
            compute.setTcpNoDelay(true);
            compute.setSoTimeout((int) properties.handshakeTimeout().toMillis());
            InputStream computeIn = new BufferedInputStream(compute.getInputStream(), BUFFER);
            OutputStream computeOut = new BufferedOutputStream(compute.getOutputStream(), BUFFER);
            computeOut.write(startup.encode());
            computeOut.flush();

            Thread upstream = null;
            if (password == null) {
                // the compute authenticates the client itself: the client's answers pass through
                client.setSoTimeout(0);
                upstream = pump(clientIn, compute.getOutputStream(), compute, "client→" + endpointId);
            } else if (!authenticate(startup.user(), password, computeIn, computeOut, clientOut)) {
                return;
            }

            CancelKey key = null;
            try {
                // the compute's messages up to the first ReadyForQuery, remembering BackendKeyData
                while (true) {
                    Message m = Message.read(computeIn, MAX_COMPUTE_MESSAGE);
                    if (m.type() == Message.BACKEND_KEY_DATA && m.body().length >= 8) {
                        ByteBuffer body = ByteBuffer.wrap(m.body());
                        int pid = body.getInt();
                        byte[] secret = new byte[body.remaining()];
                        body.get(secret);
                        key = new CancelKey(pid, secret);
                        sessions.registerCancelKey(key, computeAddress);
                    }
                    m.write(clientOut);
                    if (m.type() == Message.ERROR_RESPONSE) {
                        clientOut.flush();
                        return;
                    }
                    if (m.type() == Message.READY_FOR_QUERY) {
                        clientOut.flush();
                        break;
                    }
                }
                Counter.builder("xenon.proxy.sessions")
                        .description("client sessions handed to a compute")
                        .tag("routing", password == null ? "options" : "password")
                        .register(meters)
                        .increment();
                compute.setSoTimeout(0);
                if (upstream == null) {
                    client.setSoTimeout(0);
                    upstream = pump(clientIn, compute.getOutputStream(), compute, "client→" + endpointId);
                }
                copy(computeIn, clientOut);
            } finally {
                if (key != null) {
                    sessions.unregisterCancelKey(key);
                }
                compute.close();
                client.close();
                if (upstream != null) {
                    upstream.interrupt();
                }
            }
        }
    }

    /**
     * Authenticates to the compute with the password the client gave the proxy; on success the
     * client gets AuthenticationOk. False when the compute refused (its ErrorResponse was relayed).
     */
    private boolean authenticate(
            String user, String password, InputStream computeIn, OutputStream computeOut, OutputStream clientOut)
            throws IOException, ProxyException {
        ScramClient scram = null;
        while (true) {
            Message m = Message.read(computeIn, MAX_COMPUTE_MESSAGE);
            if (m.type() == Message.ERROR_RESPONSE) {
                m.write(clientOut);
                clientOut.flush();
                return false;
            }
            if (m.type() != Message.AUTHENTICATION) {
                // a NoticeResponse: the client may as well see it
                m.write(clientOut);
                continue;
            }
            int code = m.authCode();
            byte[] data = java.util.Arrays.copyOfRange(m.body(), 4, m.body().length);
            switch (code) {
                case Message.AUTH_OK -> {
                    m.write(clientOut);
                    clientOut.flush();
                    return true;
                }
                case Message.AUTH_CLEARTEXT -> send(computeOut, cString(password));
                case Message.AUTH_MD5 -> send(computeOut, cString(md5(user, password, data)));
                case Message.AUTH_SASL -> {
                    if (!new String(data, StandardCharsets.UTF_8).contains(ScramClient.MECHANISM)) {
                        throw new ProxyException(
                                ProxyException.INVALID_PASSWORD, "the compute offers no SCRAM-SHA-256 authentication");
                    }
                    scram = new ScramClient(password, RANDOM);
                    byte[] first = scram.clientFirstMessage().getBytes(StandardCharsets.UTF_8);
                    byte[] mechanism = cString(ScramClient.MECHANISM);
                    send(
                            computeOut,
                            ByteBuffer.allocate(mechanism.length + 4 + first.length)
                                    .put(mechanism)
                                    .putInt(first.length)
                                    .put(first)
                                    .array());
                }
                case Message.AUTH_SASL_CONTINUE -> {
                    if (scram == null) {
                        throw new ProxyException(ProxyException.PROTOCOL_VIOLATION, "SASL continue before SASL");
                    }
                    send(
                            computeOut,
                            scram.clientFinalMessage(new String(data, StandardCharsets.UTF_8))
                                    .getBytes(StandardCharsets.UTF_8));
                }
                case Message.AUTH_SASL_FINAL -> {
                    if (scram == null) {
                        throw new ProxyException(ProxyException.PROTOCOL_VIOLATION, "SASL final before SASL");
                    }
                    scram.verifyServerFinal(new String(data, StandardCharsets.UTF_8));
                }
                default ->
                    throw new ProxyException(
                            ProxyException.INVALID_PASSWORD,
                            "the compute asks for an authentication the proxy does not support (" + code + ")");
            }
        }
    }

    private void forwardCancel(StartupPacket.CancelRequest cancel) {
        sessions.computeOf(cancel.key())
                .ifPresentOrElse(
                        compute -> {
                            try (Socket s = new Socket()) {
                                s.connect(compute, (int)
                                        properties.connectTimeout().toMillis());
                                s.getOutputStream()
                                        .write(ByteBuffer.allocate(12 + cancel.secretKey().length)
                                                .putInt(12 + cancel.secretKey().length)
                                                .putInt(StartupPacket.CANCEL_REQUEST)
                                                .putInt(cancel.processId())
                                                .put(cancel.secretKey())
                                                .array());
                                s.getOutputStream().flush();
                                // Postgres closes the connection once it has read the request
                                s.setSoTimeout(5000);
                                s.getInputStream().read();
                                log.debug("forwarded a cancel request for {} to {}", cancel.key(), compute);
                            } catch (IOException e) {
                                log.info("forwarding a cancel request to {} failed: {}", compute, e.getMessage());
                            }
                        },
                        () -> log.debug("cancel request for an unknown session ignored"));
    }

    private Thread pump(InputStream from, OutputStream to, Socket target, String name) {
        return Thread.ofPlatform()
                .daemon()
                .stackSize(256 * 1024)
                .name("pump-" + name)
                .start(() -> {
                    try {
                        copy(from, to);
                    } catch (IOException e) {
                        log.trace("{}: {}", name, e.toString());
                    } finally {
                        try {
                            target.close();
                            client.close();
                        } catch (IOException ignored) {
                            // closing
                        }
                    }
                });
    }

    private static void copy(InputStream from, OutputStream to) throws IOException {
        byte[] buffer = new byte[BUFFER];
        int n;
        // the targets are the sockets' own streams (unbuffered): every write goes out at once
        while ((n = from.read(buffer)) >= 0) {
            to.write(buffer, 0, n);
        }
    }

    /**
     * Writes the FATAL ErrorResponse, then half-closes and drains what the client still sends (for
     * a moment): closing a socket with unread input resets it, and the client might lose the error.
     */
    private void refuse(ProxyException e) {
        Counter.builder("xenon.proxy.refused")
                .description("connections refused by the proxy, by SQLSTATE")
                .tag("sqlstate", e.sqlState())
                .register(meters)
                .increment();
        log.info("{}: refused: {} {}", client.getRemoteSocketAddress(), e.sqlState(), e.getMessage());
        try {
            Message.fatal(e.sqlState(), e.getMessage()).write(out);
            out.flush();
            if (client instanceof SSLSocket) {
                return;
            }
            client.shutdownOutput();
            client.setSoTimeout(DRAIN_MS);
            byte[] sink = new byte[BUFFER];
            long drained = 0;
            int n;
            while (drained < MAX_DRAIN && (n = in.read(sink)) >= 0) {
                drained += n;
            }
        } catch (IOException ignored) {
            // the client is gone or sends too long: close
        }
    }

    /**
     * Answers {@code S} and runs the TLS handshake on the client's socket; returns the SNI host name
     * the client sent (null without one).
     */
    private String startTls() throws IOException, ProxyException {
        if (in.available() > 0) {
            // Postgres refuses this too: bytes sent before the handshake could be injected
            throw new ProxyException(ProxyException.PROTOCOL_VIOLATION, "received unencrypted data after SSL request");
        }
        out.write('S');
        out.flush();
        String[] serverName = new String[1];
        SSLSocket ssl = (SSLSocket) tls.getSocketFactory()
                .createSocket(client, client.getInetAddress().getHostAddress(), client.getPort(), true);
        ssl.setUseClientMode(false);
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setSNIMatchers(List.of(new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
            @Override
            public boolean matches(SNIServerName name) {
                serverName[0] = new String(name.getEncoded(), StandardCharsets.US_ASCII);
                return true;
            }
        }));
        ssl.setSSLParameters(parameters);
        ssl.setSoTimeout((int) properties.handshakeTimeout().toMillis());
        try {
            ssl.startHandshake();
        } catch (javax.net.ssl.SSLException e) {
            throw new EOFException("TLS handshake failed: " + e.getMessage());
        }
        client = ssl;
        in = new BufferedInputStream(ssl.getInputStream(), BUFFER);
        out = ssl.getOutputStream();
        return serverName[0];
    }

    private static void send(OutputStream out, byte[] body) throws IOException {
        new Message(Message.PASSWORD, body).write(out);
        out.flush();
    }

    private static byte[] cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(b.length + 1).put(b).put((byte) 0).array();
    }

    private static String md5(String user, String password, byte[] salt) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            String inner = HexFormat.of().formatHex(md.digest((password + user).getBytes(StandardCharsets.UTF_8)));
            md.update(inner.getBytes(StandardCharsets.US_ASCII));
            md.update(salt);
            return "md5" + HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

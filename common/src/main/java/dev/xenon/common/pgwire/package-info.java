/**
 * A minimal client of the PostgreSQL frontend/backend protocol, version 3, for physical
 * replication: raw {@link java.net.Socket}, no JDBC.
 *
 * <p>Why not pgjdbc: its replication stream cannot send a standby status update from one thread
 * while another thread is blocked reading, and polling for pending data costs about a millisecond
 * per empty poll. A WAL receiver needs a reader thread that writes WAL as it arrives and a flusher
 * thread that fsyncs and acknowledges at once (group commit); {@link
 * dev.xenon.common.pgwire.ReplicationStream} allows exactly that.
 *
 * <pre>{@code
 * try (PgReplicationConnection c = PgReplicationConnection.connect(
 *         ConnectOptions.of("127.0.0.1", 5432, "xenon", password).withApplicationName("wal-0"))) {
 *     IdentifySystem system = c.identifySystem();
 *     c.createPhysicalSlotIfMissing("wal_0");
 *     ReplicationStream stream = c.startPhysical("wal_0", start, system.timeline());
 *     while (true) {
 *         switch (stream.read()) {
 *             case WalMessage.XLogData x -> write(x.start(), x.data()); // data valid until the next read()
 *             case WalMessage.PrimaryKeepalive k -> { if (k.replyRequested()) stream.sendStatus(w, f, f, false); }
 *             case WalMessage.EndOfStream e -> { return; }
 *         }
 *     }
 * }
 * }</pre>
 *
 * <h2>What is supported</h2>
 *
 * Startup in physical replication mode ({@code replication=true}); authentication trust,
 * cleartext password, MD5 and SCRAM-SHA-256 (without channel binding; no TLS); the simple query
 * protocol (text results); {@code IDENTIFY_SYSTEM}, {@code CREATE_REPLICATION_SLOT ... PHYSICAL},
 * {@code START_REPLICATION ... PHYSICAL} and the CopyBoth sub-protocol of streaming replication.
 *
 * <h2>Errors</h2>
 *
 * Every failure is an {@link java.io.IOException}: {@link dev.xenon.common.pgwire.PgServerException}
 * when the server sent an ErrorResponse (wrong password: SQLSTATE {@code 28P01}), {@link
 * dev.xenon.common.pgwire.PgProtocolException} for malformed or unexpected messages, {@link
 * dev.xenon.common.pgwire.PgAuthenticationException} when the client refuses to authenticate (an
 * unsupported method, a server that cannot prove it knows the password), and the JDK's own
 * exceptions ({@link java.net.ConnectException}, {@link java.net.SocketTimeoutException}, {@link
 * java.io.EOFException}) for the network.
 */
package dev.xenon.common.pgwire;

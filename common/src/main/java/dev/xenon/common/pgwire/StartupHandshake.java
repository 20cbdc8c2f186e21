package dev.xenon.common.pgwire;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Startup of a physical replication session: StartupMessage, authentication, then
 * ParameterStatus, BackendKeyData and NoticeResponse messages up to the first ReadyForQuery.
 *
 * <pre>
 * F StartupMessage  protocol 196608; user, replication=true, application_name, client_encoding
 * B Authentication  0 ok | 3 cleartext | 5 MD5 + salt | 10 SASL mechanisms | 11 continue | 12 final
 * F PasswordMessage / SASLInitialResponse / SASLResponse ('p')
 * B ParameterStatus* BackendKeyData NoticeResponse* ReadyForQuery
 * </pre>
 *
 * Never logs or keeps the password beyond the exchange.
 */
final class StartupHandshake {

    private static final Logger log = LoggerFactory.getLogger(StartupHandshake.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What the handshake established. */
    record Outcome(AuthMethod authMethod, Map<String, String> parameters, int backendPid) {}

    private final MessageReader in;
    private final MessageWriter out;
    private final ConnectOptions options;

    StartupHandshake(MessageReader in, MessageWriter out, ConnectOptions options) {
        this.in = in;
        this.out = out;
        this.options = options;
    }

    Outcome run() throws IOException {
        Map<String, String> startup = new LinkedHashMap<>();
        startup.put("user", options.user());
        startup.put("replication", "true");
        startup.put("application_name", options.applicationName());
        startup.put("client_encoding", "UTF8");
        out.sendStartup(startup);

        AuthMethod method = null;
        boolean authenticated = false;
        ScramSha256Exchange scram = null;
        Map<String, String> parameters = new LinkedHashMap<>();
        int backendPid = 0;
        while (true) {
            byte type = in.next();
            switch (type) {
                case 'R' -> {
                    int code = in.readInt32();
                    switch (code) {
                        case 0 -> {
                            if (scram != null && !scram.isComplete()) {
                                throw new PgAuthenticationException("Postgres at " + options.address()
                                        + " accepted the login before proving during SCRAM that it knows the"
                                        + " password; refusing the connection");
                            }
                            if (method == null) {
                                method = AuthMethod.TRUST;
                            }
                            authenticated = true;
                        }
                        case 3 -> {
                            method = AuthMethod.CLEARTEXT_PASSWORD;
                            out.sendPassword(password(method).getBytes(StandardCharsets.UTF_8));
                        }
                        case 5 -> {
                            method = AuthMethod.MD5;
                            byte[] salt = in.readBytes(4);
                            out.sendPassword(md5(password(method), options.user(), salt));
                        }
                        case 10 -> {
                            method = AuthMethod.SCRAM_SHA_256;
                            List<String> mechanisms = new ArrayList<>();
                            for (String m = in.readCString(); !m.isEmpty(); m = in.readCString()) {
                                mechanisms.add(m);
                            }
                            if (!mechanisms.contains(ScramSha256Exchange.MECHANISM)) {
                                throw new PgAuthenticationException("Postgres at " + options.address()
                                        + " offers only SASL mechanisms " + mechanisms + "; this client supports "
                                        + ScramSha256Exchange.MECHANISM + " without channel binding");
                            }
                            scram = ScramSha256Exchange.start(password(method), RANDOM);
                            out.sendSaslInitialResponse(
                                    ScramSha256Exchange.MECHANISM,
                                    scram.clientFirstMessage().getBytes(StandardCharsets.UTF_8));
                        }
                        case 11 -> {
                            if (scram == null) {
                                throw unexpected("AuthenticationSASLContinue without SASL");
                            }
                            String serverFirst = in.readString(in.remaining());
                            out.sendSaslResponse(
                                    scram.clientFinalMessage(serverFirst).getBytes(StandardCharsets.UTF_8));
                        }
                        case 12 -> {
                            if (scram == null) {
                                throw unexpected("AuthenticationSASLFinal without SASL");
                            }
                            scram.verifyServerFinal(in.readString(in.remaining()));
                        }
                        default ->
                            throw new PgAuthenticationException("Postgres at " + options.address()
                                    + " asks for authentication method " + methodName(code)
                                    + ", which this client does not support; configure pg_hba.conf to use"
                                    + " scram-sha-256, md5, password or trust for replication connections of user '"
                                    + options.user() + "'");
                    }
                }
                case 'E' -> throw ErrorResponses.read(in, options.address());
                case 'N' -> ErrorResponses.logNotice(in, options.address());
                case 'S' -> parameters.put(in.readCString(), in.readCString());
                case 'K' -> backendPid = in.readInt32();
                case 'v' ->
                    log.debug(
                            "Postgres at {} negotiated protocol version {}",
                            options.address(),
                            Integer.toHexString(in.readInt32()));
                case 'Z' -> {
                    if (!authenticated) {
                        throw unexpected("ReadyForQuery before authentication completed");
                    }
                    log.debug(
                            "connected to Postgres at {} as {} ({}), backend pid {}",
                            options.address(),
                            options.user(),
                            method,
                            backendPid);
                    return new Outcome(method, parameters, backendPid);
                }
                default -> throw unexpected("message " + MessageReader.describe(type) + " during startup");
            }
        }
    }

    private String password(AuthMethod method) throws PgAuthenticationException {
        if (options.password() == null) {
            throw new PgAuthenticationException("Postgres at " + options.address() + " asks user '" + options.user()
                    + "' for a password (" + method + ") but none is configured");
        }
        return options.password();
    }

    /** {@code "md5" + md5hex(md5hex(password + user) + salt)}. */
    static byte[] md5(String password, String user, byte[] salt) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            HexFormat hex = HexFormat.of();
            String inner = hex.formatHex(md.digest((password + user).getBytes(StandardCharsets.UTF_8)));
            md.update(inner.getBytes(StandardCharsets.US_ASCII));
            md.update(salt);
            return ("md5" + hex.formatHex(md.digest())).getBytes(StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks MD5", e);
        }
    }

    private static String methodName(int code) {
        return switch (code) {
            case 2 -> "Kerberos V5";
            case 6 -> "SCM credentials";
            case 7, 8 -> "GSSAPI";
            case 9 -> "SSPI";
            default -> "#" + code;
        };
    }

    private PgProtocolException unexpected(String what) {
        return new PgProtocolException("Postgres at " + options.address() + " sent " + what);
    }
}

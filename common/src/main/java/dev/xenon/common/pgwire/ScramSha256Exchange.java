package dev.xenon.common.pgwire;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677) without channel binding
 * (GS2 header {@code n,,}), as Postgres runs it inside SASL authentication messages.
 *
 * <pre>
 * client-first  n,,n=USER,r=CLIENT_NONCE
 * server-first  r=CLIENT_NONCE+SERVER_NONCE,s=BASE64_SALT,i=ITERATIONS
 * client-final  c=biws,r=NONCE,p=BASE64(ClientKey XOR HMAC(StoredKey, AuthMessage))
 * server-final  v=BASE64(HMAC(ServerKey, AuthMessage))   (checked: the server knows the password)
 * </pre>
 *
 * Postgres ignores the user name in client-first (it uses the startup user), so the connection
 * sends an empty one, like libpq. The password is prepared with a subset of SASLprep (RFC 4013:
 * the mappings and NFKC, falling back to the raw password when the result holds prohibited
 * characters, as Postgres does); bidirectional-text checks are not implemented.
 *
 * <p>Single use; not thread-safe.
 */
final class ScramSha256Exchange {

    static final String MECHANISM = "SCRAM-SHA-256";

    private static final String GS2_HEADER = "n,,";
    private static final String CHANNEL_BINDING =
            Base64.getEncoder().encodeToString(GS2_HEADER.getBytes(StandardCharsets.US_ASCII));

    private final String password;
    private final String clientNonce;
    private final String clientFirstBare;
    private byte[] expectedServerSignature;
    private boolean complete;

    ScramSha256Exchange(String user, String password, String clientNonce) {
        this.password = password;
        this.clientNonce = clientNonce;
        this.clientFirstBare = "n=" + escapeName(user) + ",r=" + clientNonce;
    }

    /** An exchange with an 18-byte random client nonce (24 Base64 characters). */
    static ScramSha256Exchange start(String password, SecureRandom random) {
        byte[] nonce = new byte[18];
        random.nextBytes(nonce);
        return new ScramSha256Exchange("", password, Base64.getEncoder().encodeToString(nonce));
    }

    String clientFirstMessage() {
        return GS2_HEADER + clientFirstBare;
    }

    /** Computes the client-final-message (with the proof) from the server-first-message. */
    String clientFinalMessage(String serverFirst) throws PgAuthenticationException {
        String nonce = null;
        String salt = null;
        String iterations = null;
        for (String attribute : serverFirst.split(",")) {
            if (attribute.startsWith("r=") && nonce == null) {
                nonce = attribute.substring(2);
            } else if (attribute.startsWith("s=") && salt == null) {
                salt = attribute.substring(2);
            } else if (attribute.startsWith("i=") && iterations == null) {
                iterations = attribute.substring(2);
            } else if (attribute.startsWith("m=")) {
                throw fail("the server requires SCRAM extensions this client does not know: " + serverFirst);
            }
        }
        if (nonce == null || salt == null || iterations == null) {
            throw fail("malformed server-first-message: " + serverFirst);
        }
        if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
            throw fail("the server's nonce does not extend the client's nonce");
        }
        int iterationCount;
        byte[] saltBytes;
        try {
            iterationCount = Integer.parseInt(iterations);
            saltBytes = Base64.getDecoder().decode(salt);
        } catch (IllegalArgumentException e) {
            throw fail("malformed salt or iteration count in server-first-message: " + serverFirst);
        }
        if (iterationCount < 1) {
            throw fail("invalid iteration count " + iterationCount);
        }
        String clientFinalWithoutProof = "c=" + CHANNEL_BINDING + ",r=" + nonce;
        byte[] authMessage =
                (clientFirstBare + "," + serverFirst + "," + clientFinalWithoutProof).getBytes(StandardCharsets.UTF_8);
        try {
            byte[] saltedPassword = saltedPassword(saslPrep(password), saltBytes, iterationCount);
            byte[] clientKey = hmac(saltedPassword, "Client Key".getBytes(StandardCharsets.US_ASCII));
            byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
            byte[] clientSignature = hmac(storedKey, authMessage);
            byte[] proof = new byte[clientKey.length];
            for (int i = 0; i < proof.length; i++) {
                proof[i] = (byte) (clientKey[i] ^ clientSignature[i]);
            }
            byte[] serverKey = hmac(saltedPassword, "Server Key".getBytes(StandardCharsets.US_ASCII));
            expectedServerSignature = hmac(serverKey, authMessage);
            return clientFinalWithoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks PBKDF2WithHmacSHA256, HmacSHA256 or SHA-256", e);
        }
    }

    /** Checks the server-final-message: the server must prove that it knows the password too. */
    void verifyServerFinal(String serverFinal) throws PgAuthenticationException {
        if (expectedServerSignature == null) {
            throw fail("server-final-message before server-first-message");
        }
        if (serverFinal.startsWith("e=")) {
            throw fail("the server reports a SCRAM error: " + serverFinal.substring(2));
        }
        if (!serverFinal.startsWith("v=")) {
            throw fail("malformed server-final-message");
        }
        int comma = serverFinal.indexOf(',');
        String signature = serverFinal.substring(2, comma < 0 ? serverFinal.length() : comma);
        byte[] actual;
        try {
            actual = Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            throw fail("malformed server signature");
        }
        if (!MessageDigest.isEqual(expectedServerSignature, actual)) {
            throw fail("the server's SCRAM signature is wrong: it does not know the password"
                    + " (or the connection is being intercepted)");
        }
        complete = true;
    }

    /** True once the server's signature has been verified. */
    boolean isComplete() {
        return complete;
    }

    private static byte[] saltedPassword(String password, byte[] salt, int iterations) throws GeneralSecurityException {
        // PBKDF2WithHmacSHA256 encodes the password chars as UTF-8, as SCRAM requires.
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(spec)
                    .getEncoded();
        } finally {
            spec.clearPassword();
        }
    }

    private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static String escapeName(String name) {
        return name.replace("=", "=3D").replace(",", "=2C");
    }

    /**
     * SASLprep as far as Postgres' {@code pg_saslprep} needs it for ordinary passwords: non-ASCII
     * spaces become spaces, "commonly mapped to nothing" characters are dropped, NFKC; a result with
     * prohibited characters means the raw password is used.
     */
    static String saslPrep(String password) {
        boolean ascii = true;
        for (int i = 0; i < password.length(); i++) {
            char c = password.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return password;
        }
        StringBuilder mapped = new StringBuilder(password.length());
        password.codePoints().forEach(cp -> {
            if (isNonAsciiSpace(cp)) {
                mapped.append(' ');
            } else if (!isMappedToNothing(cp)) {
                mapped.appendCodePoint(cp);
            }
        });
        String normalized = Normalizer.normalize(mapped, Normalizer.Form.NFKC);
        boolean prohibited = normalized.codePoints().anyMatch(ScramSha256Exchange::isProhibited);
        return prohibited || normalized.isEmpty() ? password : normalized;
    }

    private static boolean isNonAsciiSpace(int cp) {
        return cp == 0x00A0
                || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200B)
                || cp == 0x202F
                || cp == 0x205F
                || cp == 0x3000;
    }

    private static boolean isMappedToNothing(int cp) {
        return cp == 0x00AD
                || cp == 0x034F
                || cp == 0x1806
                || (cp >= 0x180B && cp <= 0x180D)
                || (cp >= 0x200B && cp <= 0x200D)
                || cp == 0x2060
                || (cp >= 0xFE00 && cp <= 0xFE0F)
                || cp == 0xFEFF;
    }

    private static boolean isProhibited(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL
                || type == Character.PRIVATE_USE
                || type == Character.SURROGATE
                || type == Character.UNASSIGNED
                || isNonAsciiSpace(cp)
                || (cp >= 0xFDD0 && cp <= 0xFDEF)
                || (cp & 0xFFFE) == 0xFFFE
                || (cp >= 0x2FF0 && cp <= 0x2FFB)
                || (cp >= 0xE0001 && cp <= 0xE007F)
                || (cp >= 0x200E && cp <= 0x200F)
                || (cp >= 0x202A && cp <= 0x202E)
                || (cp >= 0x206A && cp <= 0x206F);
    }

    private static PgAuthenticationException fail(String message) {
        return new PgAuthenticationException("SCRAM-SHA-256 authentication failed: " + message);
    }
}

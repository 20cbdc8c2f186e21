package dev.xenon.proxy.wire;

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
 * The client side of one SCRAM-SHA-256 exchange (RFC 5802/7677, no channel binding: GS2 header
 * {@code n,,}), which the proxy runs against a compute when the client gave its password to the
 * proxy (password routing). The same algorithm as common's {@code ScramSha256Exchange}, which is
 * internal to common's replication client. Single use; not thread-safe.
 */
public final class ScramClient {

    public static final String MECHANISM = "SCRAM-SHA-256";

    private final String password;
    private final String clientNonce;
    private final String clientFirstBare;
    private byte[] expectedServerSignature;

    public ScramClient(String password, SecureRandom random) {
        byte[] nonce = new byte[18];
        random.nextBytes(nonce);
        this.password = password;
        this.clientNonce = Base64.getEncoder().encodeToString(nonce);
        // Postgres uses the startup user; libpq sends an empty name
        this.clientFirstBare = "n=,r=" + clientNonce;
    }

    public String clientFirstMessage() {
        return "n,," + clientFirstBare;
    }

    public String clientFinalMessage(String serverFirst) throws ProxyException {
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
            }
        }
        if (nonce == null || salt == null || iterations == null || !nonce.startsWith(clientNonce)) {
            throw new ProxyException(ProxyException.PROTOCOL_VIOLATION, "malformed SCRAM server-first-message");
        }
        try {
            byte[] salted = hi(normalize(password), Base64.getDecoder().decode(salt), Integer.parseInt(iterations));
            byte[] clientKey = hmac(salted, "Client Key");
            byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
            String clientFinalWithoutProof = "c=biws,r=" + nonce;
            String authMessage = clientFirstBare + "," + serverFirst + "," + clientFinalWithoutProof;
            byte[] clientSignature = hmac(storedKey, authMessage);
            byte[] proof = new byte[clientKey.length];
            for (int i = 0; i < proof.length; i++) {
                proof[i] = (byte) (clientKey[i] ^ clientSignature[i]);
            }
            expectedServerSignature = hmac(hmac(salted, "Server Key"), authMessage);
            return clientFinalWithoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ProxyException(ProxyException.PROTOCOL_VIOLATION, "SCRAM failed: " + e.getMessage(), e);
        }
    }

    /** Checks the server's signature: the compute knows the password too. */
    public void verifyServerFinal(String serverFinal) throws ProxyException {
        if (expectedServerSignature == null || !serverFinal.startsWith("v=")) {
            throw new ProxyException(ProxyException.INVALID_PASSWORD, "unexpected SCRAM server-final-message");
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(serverFinal.substring(2).split(",")[0]);
        } catch (IllegalArgumentException e) {
            throw new ProxyException(ProxyException.PROTOCOL_VIOLATION, "malformed SCRAM server-final-message");
        }
        if (!MessageDigest.isEqual(signature, expectedServerSignature)) {
            throw new ProxyException(ProxyException.INVALID_PASSWORD, "the compute's SCRAM signature is wrong");
        }
    }

    private static String normalize(String password) {
        String mapped = password.replaceAll("[\\u00A0\\u1680\\u2000-\\u200B\\u202F\\u205F\\u3000]", " ")
                .replaceAll("[\\u00AD\\u034F\\u1806\\u180B-\\u180D\\u200C\\u200D\\u2060\\uFE00-\\uFE0F\\uFEFF]", "");
        String normalized = Normalizer.normalize(mapped, Normalizer.Form.NFKC);
        for (int i = 0; i < normalized.length(); i++) {
            char c = normalized.charAt(i);
            if (Character.isISOControl(c) || (c >= '\uE000' && c <= '\uF8FF') || Character.isSurrogate(c)) {
                return password;
            }
        }
        return normalized;
    }

    private static byte[] hi(String password, byte[] salt, int iterations) throws GeneralSecurityException {
        SecretKeyFactory factory = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
        return factory.generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256))
                .getEncoded();
    }

    private static byte[] hmac(byte[] key, String data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }
}

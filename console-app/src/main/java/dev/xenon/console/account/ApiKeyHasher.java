package dev.xenon.console.account;

import dev.xenon.console.system.Passwords;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * API keys: generated as {@code xenon_} + 48 letters and digits (~285 bits); stored as the SHA-256 of
 * the whole key (a key has far too much entropy to need a slow hash) and a display prefix.
 */
public final class ApiKeyHasher {

    public static final String KEY_PREFIX = "xenon_";
    static final int DISPLAY_PREFIX_LENGTH = 10;
    /** Shortest key accepted from configuration ({@code XENON_BOOTSTRAP_API_KEY}). */
    public static final int MIN_KEY_LENGTH = 16;

    private ApiKeyHasher() {}

    public static String newKey() {
        return KEY_PREFIX + Passwords.random(48);
    }

    public static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256", e);
        }
    }

    /** The first characters of a key, stored to tell keys apart in listings. */
    public static String displayPrefix(String key) {
        return key.substring(0, Math.min(DISPLAY_PREFIX_LENGTH, key.length()));
    }
}

package dev.xenon.console.system;

import java.security.SecureRandom;

/** Generated secrets: role and admin passwords, API keys. Letters and digits from {@link SecureRandom}. */
public final class Passwords {

    /** Length of generated role and admin passwords. */
    public static final int PASSWORD_LENGTH = 32;

    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Passwords() {}

    /** A role or admin password: {@value #PASSWORD_LENGTH} letters and digits (~190 bits). */
    public static String password() {
        return random(PASSWORD_LENGTH);
    }

    /** {@code length} random letters and digits. */
    public static String random(int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(out);
    }
}

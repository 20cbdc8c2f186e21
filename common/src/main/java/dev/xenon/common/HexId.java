package dev.xenon.common;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;

/** 128-bit identifiers printed as 32 lower-case hex characters, as Neon prints tenant and timeline ids. */
final class HexId {
    private static final SecureRandom RANDOM = new SecureRandom();

    private HexId() {}

    static String validate(String kind, String text) {
        if (text == null || text.length() != 32) {
            throw new IllegalArgumentException("invalid " + kind + " '" + text + "': expected 32 hex characters");
        }
        for (int i = 0; i < 32; i++) {
            if (Character.digit(text.charAt(i), 16) < 0) {
                throw new IllegalArgumentException("invalid " + kind + " '" + text + "': expected 32 hex characters");
            }
        }
        return text.toLowerCase(Locale.ROOT);
    }

    static String random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}

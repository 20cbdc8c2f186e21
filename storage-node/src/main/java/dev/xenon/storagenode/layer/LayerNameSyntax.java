package dev.xenon.storagenode.layer;

import dev.xenon.common.Lsn;

/** The text of a layer name: {@code <prefix><start>_<end>}, each LSN as 16 upper-case hex digits. */
final class LayerNameSyntax {

    private LayerNameSyntax() {}

    /** {@code PREFIX + start + '_' + end}, each LSN as 16 upper-case hex digits. */
    static String format(String prefix, Lsn start, Lsn end) {
        return prefix + "%016X_%016X".formatted(start.value(), end.value());
    }

    /** The two LSNs of {@code PREFIX<16 hex>_<16 hex>}, upper case only. */
    static Lsn[] parseRange(String kind, String prefix, String text) {
        if (text == null
                || text.length() != prefix.length() + 33
                || !text.startsWith(prefix)
                || text.charAt(prefix.length() + 16) != '_') {
            throw malformed(kind, prefix, text);
        }
        return new Lsn[] {
            Lsn.of(parseHex(kind, prefix, text, prefix.length())),
            Lsn.of(parseHex(kind, prefix, text, prefix.length() + 17))
        };
    }

    private static long parseHex(String kind, String prefix, String text, int from) {
        long value = 0;
        for (int i = from; i < from + 16; i++) {
            char c = text.charAt(i);
            int digit;
            if (c >= '0' && c <= '9') {
                digit = c - '0';
            } else if (c >= 'A' && c <= 'F') {
                digit = c - 'A' + 10;
            } else {
                throw malformed(kind, prefix, text);
            }
            value = (value << 4) | digit;
        }
        return value;
    }

    private static IllegalArgumentException malformed(String kind, String prefix, String text) {
        return new IllegalArgumentException("invalid " + kind + " layer name '" + text + "': expected " + prefix
                + "<start>_<end>, each LSN as 16 upper-case hex digits");
    }
}

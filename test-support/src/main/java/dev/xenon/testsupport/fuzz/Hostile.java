package dev.xenon.testsupport.fuzz;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * jqwik generators of input an HTTP API must refuse politely (a 4xx) or take as the valid input it
 * is, never answer with a 5xx: SQL, NUL and other control characters, emoji, right-to-left text,
 * lone surrogates, 10 kB strings, negative, huge and non-numeric numbers, JSON of the wrong type,
 * malformed and absurdly nested JSON, and path segments that are not ids.
 */
public final class Hostile {
    private Hostile() {}

    /** 10 kB. */
    public static final int LONG = 10_240;

    /** Strings that broke somebody's API once. */
    public static final List<String> CLASSICS = List.of(
            "'; DROP TABLE projects;--",
            "\" OR \"1\"=\"1",
            "Robert'); DROP TABLE students;--",
            "1; SELECT pg_sleep(10)",
            "$$; DROP SCHEMA public CASCADE; $$",
            "\\",
            "\\'",
            "%",
            "%s%n%x%d",
            "${jndi:ldap://127.0.0.1/x}",
            "{{7*7}}",
            "<script>alert(1)</script>",
            "",
            " ",
            "\t\r\n",
            "\u0000",
            "nul\u0000inside",
            "😀",
            "👩‍👩‍👧‍👦 family",
            "\u202Egnp.exe",
            "שלום עולם",
            "مرحبا",
            "日本語の名前",
            "e\u0301",
            "\uFEFFbom",
            "\uFFFF",
            "\uD800",
            "\uDFFF",
            "a\uD83D",
            "\u0085\u2028\u2029",
            "../../../etc/passwd",
            "..",
            ".",
            "/",
            "?",
            "#",
            "&",
            "=",
            ";",
            "null",
            "true",
            "NaN",
            "-1",
            "0",
            "18446744073709551616",
            "1e309",
            "0/0",
            "FFFFFFFF/FFFFFFFF",
            "G/0",
            "00000000-0000-0000-0000-000000000000");

    /** Numbers, as JSON text: out of every range, fractional, overflowing, 400 digits. */
    public static final List<String> NUMBERS = List.of(
            "-1",
            "0",
            "-0",
            "2147483647",
            "2147483648",
            "-2147483649",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775809",
            "1e309",
            "-1e309",
            "1.5",
            "1e2",
            "1E-400",
            "9".repeat(400));

    /** LSNs ({@code X/X}, hex) that are not: empty halves, non-hex, too many parts, over 32 bits a half, signs, 10 kB. */
    public static final List<String> LSNS = List.of(
            "0/",
            "/0",
            "/",
            "G/0",
            "0/G",
            "1/1/1",
            "0//0",
            "FFFFFFFFF/0",
            "0/FFFFFFFFF",
            "FFFFFFFFFFFFFFFFFFFF/FFFFFFFFFFFFFFFFFFFF",
            "-1/0",
            "0/-1",
            "+1/+1",
            "0x1/0",
            " 0/0",
            "0/0 ",
            "１/１",
            "1e3/0",
            "0/" + "F".repeat(LONG),
            "16/B374D848\u0000",
            "16/B374D848");

    /** An LSN as text, mostly malformed. */
    public static Arbitrary<String> lsn() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(LSNS)), Tuple.of(1, text()));
    }

    /** Text no API should choke on: the classics, random characters of all of Unicode, 10 kB of either. */
    public static Arbitrary<String> text() {
        return Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.of(CLASSICS)),
                Tuple.of(3, Arbitraries.strings().all().ofMaxLength(40)),
                Tuple.of(1, Arbitraries.strings().all().ofLength(LONG)),
                Tuple.of(1, Arbitraries.of(CLASSICS).map(Hostile::tenKilobytesOf)));
    }

    /** A number as text (JSON or a path or query parameter). */
    public static Arbitrary<String> number() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(NUMBERS)),
                Tuple.of(2, Arbitraries.integers().map(String::valueOf)),
                Tuple.of(1, Arbitraries.longs().map(String::valueOf)));
    }

    /** Any JSON value, as JSON text: hostile strings (escaped, lone surrogates too), numbers, the wrong type. */
    public static Arbitrary<String> jsonValue() {
        return Arbitraries.frequencyOf(
                Tuple.of(5, text().map(Hostile::jsonString)),
                Tuple.of(3, number()),
                Tuple.of(
                        1,
                        Arbitraries.of(
                                "true", "false", "null", "{}", "[]", "[null]", "{\"\":null}", "[[[[[[[[]]]]]]]]")),
                Tuple.of(1, Arbitraries.of(deeplyNested())));
    }

    /** Bodies that are not JSON, or not whole, or of the wrong top-level type. */
    public static Arbitrary<String> malformedJson() {
        return Arbitraries.frequencyOf(
                Tuple.of(
                        4,
                        Arbitraries.of(
                                "",
                                " ",
                                "{",
                                "}",
                                "{\"",
                                "{\"a\"",
                                "{\"a\":}",
                                "{a:1}",
                                "{'a':1}",
                                "[1,]",
                                "{\"a\":1,}",
                                "nul",
                                "tru",
                                "\"unterminated",
                                "{\"a\":\"\\x\"}",
                                "{\"a\":\"\\u12\"}",
                                "{\"a\":01}",
                                "{\"a\":NaN}",
                                "{\"a\":Infinity}",
                                "\u0000",
                                "<xml/>",
                                "{}{}",
                                "{\"a\":1}garbage",
                                "\uFEFF{}",
                                "null",
                                "1",
                                "\"a string\"",
                                "true",
                                "[]",
                                "[{}]")),
                Tuple.of(1, Arbitraries.of(deeplyNested())),
                Tuple.of(1, text()));
    }

    /**
     * A path segment that is not an id: hostile text percent-encoded (what a client sends for it),
     * or raw tricks a router may trip on (dot segments, an encoded slash, NUL, bad escapes).
     */
    public static Arbitrary<String> pathSegment() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, text().filter(s -> !s.isEmpty()).map(Hostile::percentEncoded)),
                Tuple.of(2, number().map(Hostile::percentEncoded)),
                Tuple.of(
                        1,
                        Arbitraries.of("%2e%2e", "%2F", "a%2Fb", "%00", "%5C", "a;b=c", "%C0%AF", "%ED%A0%80", "%FF")));
    }

    /** A query parameter value: hostile text, percent-encoded. */
    public static Arbitrary<String> queryValue() {
        return Arbitraries.oneOf(text(), number()).map(Hostile::percentEncoded);
    }

    /** {@code s} as a JSON string literal; every non-ASCII character escaped, so lone surrogates survive. */
    public static String jsonString(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** {@code s} percent-encoded as UTF-8 (a lone surrogate becomes {@code ?}, as any client sends it). */
    public static String percentEncoded(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String tenKilobytesOf(String s) {
        String unit = s.isEmpty() ? "x" : s;
        return unit.repeat(LONG / unit.length() + 1).substring(0, LONG);
    }

    private static List<String> deeplyNested() {
        return List.of(
                "[".repeat(5_000) + "]".repeat(5_000),
                "{\"a\":".repeat(3_000) + "1" + "}".repeat(3_000),
                "[".repeat(100_000));
    }
}

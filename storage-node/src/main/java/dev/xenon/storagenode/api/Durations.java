package dev.xenon.storagenode.api;

import dev.xenon.web.BadRequestException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as Neon writes them ({@code 7 days}, {@code 1h}, {@code 30s}, {@code 500ms}) or ISO-8601. */
final class Durations {

    private static final Pattern SIMPLE = Pattern.compile("\\s*(\\d+)\\s*(ms|s|sec|m|min|h|hour|hours|d|day|days)\\s*");

    private Durations() {}

    static Duration parse(String field, String text) {
        Matcher m = SIMPLE.matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s", "sec" -> Duration.ofSeconds(n);
                case "m", "min" -> Duration.ofMinutes(n);
                case "h", "hour", "hours" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            Duration d = Duration.parse(text);
            if (d.isNegative()) {
                throw new BadRequestException(field, field + " must not be negative: " + text);
            }
            return d;
        } catch (java.time.format.DateTimeParseException e) {
            throw new BadRequestException(
                    field, field + ": '" + text + "' is not a duration (e.g. \"7 days\", \"1h\", \"PT30S\")");
        }
    }

    static String format(Duration d) {
        if (d.toMillis() % 86_400_000 == 0) {
            return d.toDays() + "d";
        }
        if (d.toMillis() % 1000 == 0) {
            return d.toSeconds() + "s";
        }
        return d.toMillis() + "ms";
    }
}

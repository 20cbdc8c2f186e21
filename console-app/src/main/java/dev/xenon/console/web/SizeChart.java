package dev.xenon.console.web;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Collectors;

/** Storage size samples as two SVG polylines (layer bytes, logical size) over time. */
record SizeChart(
        int width,
        int height,
        int left,
        int right,
        int top,
        int bottom,
        String layerPoints,
        String logicalPoints,
        String maxLabel,
        String firstTime,
        String lastTime,
        int samples) {

    static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    static SizeChart of(List<StorageHistory.Sample> samples, int width, int height) {
        int left = 80;
        int right = width - 16;
        int top = 12;
        int bottom = height - 28;
        long max = Math.max(
                1,
                samples.stream()
                        .mapToLong(s -> Math.max(s.layerBytes(), s.logicalSize()))
                        .max()
                        .orElse(1));
        long t0 = samples.isEmpty() ? 0 : samples.getFirst().at().toEpochMilli();
        long t1 = samples.isEmpty() ? 1 : samples.getLast().at().toEpochMilli();
        long span = Math.max(1, t1 - t0);
        java.util.function.Function<java.util.function.ToLongFunction<StorageHistory.Sample>, String> points =
                value -> samples.stream()
                        .map(s -> (samples.size() == 1
                                        ? (left + right) / 2
                                        : left + (int) ((s.at().toEpochMilli() - t0) * (right - left) / span))
                                + ","
                                + (bottom - (int) (value.applyAsLong(s) * (bottom - top) / max)))
                        .collect(Collectors.joining(" "));
        return new SizeChart(
                width,
                height,
                left,
                right,
                top,
                bottom,
                points.apply(StorageHistory.Sample::layerBytes),
                points.apply(StorageHistory.Sample::logicalSize),
                bytes(max),
                samples.isEmpty() ? "" : TIME.format(samples.getFirst().at()),
                samples.isEmpty() ? "" : TIME.format(samples.getLast().at()),
                samples.size());
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String units = "KMGTPE";
        int u = (int) (Math.log(n) / Math.log(1024));
        return String.format(java.util.Locale.ROOT, "%.1f %siB", n / Math.pow(1024, u), units.charAt(u - 1));
    }
}

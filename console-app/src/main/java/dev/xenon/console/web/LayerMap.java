package dev.xenon.console.web;

import dev.xenon.common.Lsn;
import dev.xenon.common.storagenode.LayerInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A timeline's layer map laid out for an SVG, as Neon draws it: x = key space, y = LSN (growing
 * upwards), delta layers as rectangles over their LSN range, image layers as horizontal lines at
 * their LSN, the GC horizon as a dashed line. In Xenon every layer spans the whole key space (a
 * delta layer is a range of the timeline's WAL, an image layer a whole base backup, see
 * docs/storage.md), so each is as wide as the key axis.
 */
record LayerMap(
        int width,
        int height,
        int plotLeft,
        int plotRight,
        int plotTop,
        int plotBottom,
        List<Shape> deltas,
        List<Shape> images,
        Line gcHorizon,
        Line lastRecord,
        Shape openLayer,
        List<Tick> ticks) {

    static final int LEFT = 120;
    static final int RIGHT = 20;
    static final int TOP = 16;
    static final int BOTTOM = 40;

    /** A layer: a rectangle (delta) or a line at y (image, height 0). */
    record Shape(String name, int x, int y, int w, int h, String lsnStart, String lsnEnd, long size, boolean local) {}

    record Line(int y, String lsn) {}

    record Tick(int y, String lsn) {}

    static LayerMap of(List<LayerInfo> layers, Lsn gcCutoff, Lsn lastRecord, int width, int height) {
        return of(layers, gcCutoff, null, lastRecord, width, height);
    }

    /**
     * @param diskConsistent where the written layers end: the WAL above it, up to {@code
     *     lastRecord}, is still in the storage node's open (in-memory) layer, drawn dashed
     */
    static LayerMap of(
            List<LayerInfo> layers, Lsn gcCutoff, Lsn diskConsistent, Lsn lastRecord, int width, int height) {
        long lo = layers.stream().mapToLong(l -> l.lsnStart().value()).min().orElse(0);
        long hi = layers.stream().mapToLong(l -> l.lsnEnd().value()).max().orElse(1);
        if (lastRecord != null && lastRecord.isValid()) {
            hi = Math.max(hi, lastRecord.value());
            lo = Math.min(lo, lastRecord.value());
        }
        if (gcCutoff != null && gcCutoff.isValid()) {
            lo = Math.min(lo, gcCutoff.value());
        }
        if (hi <= lo) {
            hi = lo + 1;
        }
        int top = TOP;
        int bottom = height - BOTTOM;
        int left = LEFT;
        int right = width - RIGHT;
        long span = hi - lo;
        long low = lo;
        java.util.function.LongToIntFunction y =
                lsn -> bottom - (int) Math.round((double) (lsn - low) / span * (bottom - top));
        List<Shape> deltas = new ArrayList<>();
        List<Shape> images = new ArrayList<>();
        layers.stream().sorted(Comparator.comparing(LayerInfo::lsnStart)).forEach(l -> {
            int y1 = y.applyAsInt(l.lsnEnd().value());
            int y2 = y.applyAsInt(l.lsnStart().value());
            if ("delta".equals(l.kind())) {
                deltas.add(new Shape(
                        l.name(),
                        left,
                        Math.min(y1, y2 - 2),
                        right - left,
                        Math.max(2, y2 - y1),
                        l.lsnStart().toString(),
                        l.lsnEnd().toString(),
                        l.size(),
                        l.local()));
            } else {
                images.add(new Shape(
                        l.name(),
                        left,
                        y1,
                        right - left,
                        0,
                        l.lsnStart().toString(),
                        l.lsnEnd().toString(),
                        l.size(),
                        l.local()));
            }
        });
        // before the first GC the horizon is the start of history: drawn at the bottom
        Line gc = gcCutoff == null || !gcCutoff.isValid()
                ? new Line(bottom, "none yet (all history kept)")
                : new Line(y.applyAsInt(gcCutoff.value()), gcCutoff.toString());
        Line last = lastRecord == null || !lastRecord.isValid()
                ? null
                : new Line(y.applyAsInt(lastRecord.value()), lastRecord.toString());
        Shape open = null;
        if (diskConsistent != null
                && diskConsistent.isValid()
                && lastRecord != null
                && lastRecord.isAfter(diskConsistent)) {
            long from = Math.max(lo, diskConsistent.value());
            int y1 = y.applyAsInt(lastRecord.value());
            int y2 = y.applyAsInt(from);
            open = new Shape(
                    "open layer",
                    left,
                    Math.min(y1, y2 - 2),
                    right - left,
                    Math.max(2, y2 - y1),
                    Lsn.of(from).toString(),
                    lastRecord.toString(),
                    lastRecord.value() - from,
                    true);
        }
        List<Tick> ticks = new ArrayList<>();
        for (int i = 0; i <= 4; i++) {
            long lsn = lo + span * i / 4;
            ticks.add(new Tick(y.applyAsInt(lsn), Lsn.of(lsn).toString()));
        }
        return new LayerMap(width, height, left, right, top, bottom, deltas, images, gc, last, open, ticks);
    }
}

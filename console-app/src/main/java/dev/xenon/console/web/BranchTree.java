package dev.xenon.console.web;

import dev.xenon.console.branch.BranchView;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A project's branches laid out for an SVG: one row per branch (children below their parent, in
 * creation order), x = time from the oldest branch to now. A branch is a line from its branch point
 * to the right edge; a child's line starts with a connector from its parent's row at the branch
 * point, marked with the LSN and time it was taken at.
 */
record BranchTree(int width, int height, List<Row> rows, List<Link> links) {

    static final int ROW = 56;
    static final int LEFT = 24;
    static final int RIGHT = 220;
    static final int TOP = 28;
    static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    /** A branch's row: its line from x1 to x2 at y, its label. */
    record Row(String id, String name, boolean isDefault, String state, int x1, int x2, int y, String label) {}

    /** A parent → child connector from (x, parentY) to (x, childY), with the branch point's label. */
    record Link(String childId, int x, int parentY, int childY, String lsn, String time) {}

    static BranchTree of(List<BranchView> branches, Instant now, int width) {
        Map<String, List<BranchView>> children = branches.stream()
                .filter(b -> b.parentId() != null)
                .sorted(Comparator.comparing(BranchView::createdAt))
                .collect(
                        Collectors.groupingBy(BranchView::parentId, java.util.LinkedHashMap::new, Collectors.toList()));
        List<BranchView> ordered = new ArrayList<>();
        branches.stream()
                .filter(b -> b.parentId() == null || branches.stream().noneMatch(p -> p.id().equals(b.parentId())))
                .sorted(Comparator.comparing(BranchView::createdAt))
                .forEach(root -> visit(root, children, ordered));
        Instant start = branches.stream()
                .map(BranchView::createdAt)
                .min(Comparator.naturalOrder())
                .orElse(now);
        Instant end = now.isAfter(start) ? now : start.plusSeconds(1);
        int plot = Math.max(100, width - LEFT - RIGHT);
        java.util.function.Function<Instant, Integer> x = t -> {
            long span = Math.max(1, Duration.between(start, end).toMillis());
            long at = Math.max(0, Math.min(span, Duration.between(start, t).toMillis()));
            return LEFT + (int) (plot * at / span);
        };
        Map<String, Integer> yOf = new java.util.HashMap<>();
        List<Row> rows = new ArrayList<>();
        List<Link> links = new ArrayList<>();
        for (int i = 0; i < ordered.size(); i++) {
            BranchView b = ordered.get(i);
            int y = TOP + i * ROW;
            yOf.put(b.id(), y);
            Instant point = b.parentTimestamp() != null ? b.parentTimestamp() : b.createdAt();
            int x1 = b.parentId() == null ? LEFT : x.apply(point);
            rows.add(new Row(b.id(), b.name(), b.defaultBranch(), b.currentState(), x1, LEFT + plot, y, b.name()));
            Integer parentY = b.parentId() == null ? null : yOf.get(b.parentId());
            if (parentY != null) {
                links.add(new Link(
                        b.id(), x1, parentY, y, b.parentLsn() == null ? "head" : b.parentLsn(), TIME.format(point)));
            }
        }
        return new BranchTree(width, TOP + Math.max(1, ordered.size()) * ROW, rows, links);
    }

    private static void visit(BranchView b, Map<String, List<BranchView>> children, List<BranchView> out) {
        out.add(b);
        for (BranchView child : children.getOrDefault(b.id(), List.of())) {
            visit(child, children, out);
        }
    }
}

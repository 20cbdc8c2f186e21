package dev.xenon.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Prints API objects as JSON (as the API answers them) or as an aligned table of chosen fields. */
final class Output {

    enum Format {
        table,
        json
    }

    private Output() {}

    /** A table column: its header and the JSON field it shows. */
    record Column(String header, String field) {}

    static void print(PrintWriter out, Format format, JsonNode value, List<Column> columns) {
        if (format == Format.json) {
            out.println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
        } else {
            List<JsonNode> rows = new ArrayList<>();
            if (value.isArray()) {
                value.forEach(rows::add);
            } else {
                rows.add(value);
            }
            out.print(table(rows, columns));
        }
        out.flush();
    }

    static String table(List<JsonNode> rows, List<Column> columns) {
        List<List<String>> cells = new ArrayList<>();
        cells.add(columns.stream().map(Column::header).toList());
        for (JsonNode row : rows) {
            cells.add(columns.stream().map(c -> text(row.path(c.field()))).toList());
        }
        int[] widths = new int[columns.size()];
        for (List<String> line : cells) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (List<String> line : cells) {
            for (int i = 0; i < widths.length; i++) {
                String cell = line.get(i);
                sb.append(cell);
                if (i < widths.length - 1) {
                    sb.append(" ".repeat(widths[i] - cell.length() + 2));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String text(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return "";
        }
        return node.isValueNode() ? node.asString() : node.toString();
    }
}

package dev.xenon.common.pgwire;

import java.util.List;

/**
 * The result of a {@linkplain PgReplicationConnection#simpleQuery simple query}: column names, rows
 * of text values (null for SQL NULL) and the command tag. For a query string with several
 * statements, the result of the last one.
 *
 * @param columns the column names, empty for a statement that returns no rows
 * @param rows the rows; each has one value per column
 * @param commandTag the CommandComplete tag (e.g. {@code IDENTIFY_SYSTEM}, {@code SELECT 1}), empty
 *     for an empty query
 */
public record QueryResult(List<String> columns, List<List<String>> rows, String commandTag) {

    public QueryResult {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows); // each row is an unmodifiable list that may hold nulls
    }

    /** The index of {@code column}, or -1. */
    public int columnIndex(String column) {
        return columns.indexOf(column);
    }

    /**
     * The value in row {@code row} of column {@code column}, null for SQL NULL.
     *
     * @throws IllegalArgumentException when there is no such column
     * @throws IndexOutOfBoundsException when there is no such row
     */
    public String value(int row, String column) {
        int index = columnIndex(column);
        if (index < 0) {
            throw new IllegalArgumentException("no column '" + column + "' among " + columns);
        }
        return rows.get(row).get(index);
    }
}

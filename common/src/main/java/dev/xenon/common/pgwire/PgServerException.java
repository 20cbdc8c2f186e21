package dev.xenon.common.pgwire;

/**
 * The server answered with an ErrorResponse. Carries its fields; the message names the server.
 *
 * <p>Common SQLSTATEs here: {@code 28P01} wrong password, {@code 28000} no {@code pg_hba.conf}
 * entry, {@code 42704} the replication slot does not exist, {@code 42710} it exists already, {@code
 * 58P01} requested WAL has been removed, {@code 53300} too many connections or no free WAL sender.
 */
public class PgServerException extends PgWireException {

    private final String severity;
    private final String sqlState;
    private final String serverMessage;
    private final String detail;
    private final String hint;

    public PgServerException(
            String severity, String sqlState, String serverMessage, String detail, String hint, String server) {
        super(describe(severity, sqlState, serverMessage, detail, hint, server));
        this.severity = severity;
        this.sqlState = sqlState;
        this.serverMessage = serverMessage;
        this.detail = detail;
        this.hint = hint;
    }

    /** {@code ERROR}, {@code FATAL} or {@code PANIC} (not localized when the server sent field V). */
    public String severity() {
        return severity;
    }

    /** The five-character SQLSTATE, e.g. {@code 28P01}. */
    public String sqlState() {
        return sqlState;
    }

    /** The server's primary message, without the decorations of {@link #getMessage()}. */
    public String serverMessage() {
        return serverMessage;
    }

    /** The DETAIL field, or null. */
    public String detail() {
        return detail;
    }

    /** The HINT field, or null. */
    public String hint() {
        return hint;
    }

    private static String describe(
            String severity, String sqlState, String message, String detail, String hint, String server) {
        StringBuilder s = new StringBuilder();
        s.append("Postgres at ")
                .append(server)
                .append(" answered ")
                .append(severity)
                .append(' ')
                .append(sqlState)
                .append(": ")
                .append(message);
        if (detail != null) {
            s.append(" DETAIL: ").append(detail);
        }
        if (hint != null) {
            s.append(" HINT: ").append(hint);
        }
        return s.toString();
    }
}

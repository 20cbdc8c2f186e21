package dev.xenon.common.pgwire;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses ErrorResponse and NoticeResponse: a sequence of (field code byte, NUL-terminated value),
 * ended by a zero byte. Fields used: {@code S}/{@code V} severity, {@code C} SQLSTATE, {@code M}
 * message, {@code D} detail, {@code H} hint.
 */
final class ErrorResponses {

    private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {}

    /** The current message (an ErrorResponse) as an exception. */
    static PgServerException read(MessageReader in, String server) throws PgProtocolException {
        String severity = null;
        String localizedSeverity = null;
        String sqlState = null;
        String message = null;
        String detail = null;
        String hint = null;
        for (byte code = in.readByte(); code != 0; code = in.readByte()) {
            String value = in.readCString();
            switch (code) {
                case 'V' -> severity = value;
                case 'S' -> localizedSeverity = value;
                case 'C' -> sqlState = value;
                case 'M' -> message = value;
                case 'D' -> detail = value;
                case 'H' -> hint = value;
                default -> {}
            }
        }
        return new PgServerException(
                severity != null ? severity : localizedSeverity != null ? localizedSeverity : "ERROR",
                sqlState != null ? sqlState : "XX000",
                message != null ? message : "(no message)",
                detail,
                hint,
                server);
    }

    /** Logs the current message (a NoticeResponse). */
    static void logNotice(MessageReader in, String server) throws PgProtocolException {
        PgServerException notice = read(in, server);
        if ("WARNING".equals(notice.severity())) {
            log.warn("{}", notice.getMessage());
        } else {
            log.debug("{}", notice.getMessage());
        }
    }
}

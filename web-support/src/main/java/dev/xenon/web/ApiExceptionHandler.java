package dev.xenon.web;

import dev.xenon.common.walnode.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * One JSON error shape, {@link ApiError}, for every failure at the HTTP edge. Applications import it
 * ({@code @Import(ApiExceptionHandler.class)}).
 */
@RestControllerAdvice
public class ApiExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ApiError> known(ApiException e) {
        if (e.status() >= 409) {
            log.warn("{}: {}", e.code(), e.getMessage());
        }
        return ResponseEntity.status(e.status()).body(e.toError());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ApiError> unreadable(HttpMessageNotReadableException e) {
        String field = fieldOf(e);
        String cause = rootMessage(e);
        return ResponseEntity.badRequest()
                .body(new ApiError(
                        "BAD_REQUEST",
                        "malformed request body" + (field == null ? "" : " at '" + field + "'") + ": " + cause,
                        field,
                        null));
    }

    /** A query parameter that is required and missing: 400 naming it. */
    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ApiError> missing(MissingServletRequestParameterException e) {
        return ResponseEntity.badRequest()
                .body(new ApiError(
                        "BAD_REQUEST",
                        "query parameter '" + e.getParameterName() + "' is required",
                        e.getParameterName(),
                        null));
    }

    /** A path or query parameter that does not convert (a boolean that is not, a number too big): 400 naming it. */
    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ApiError> mismatch(MethodArgumentTypeMismatchException e) {
        return ResponseEntity.badRequest()
                .body(new ApiError(
                        "BAD_REQUEST",
                        "'" + e.getName() + "' has an invalid value: " + e.getValue(),
                        e.getName(),
                        null));
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ApiError> noRoute(NoResourceFoundException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(ApiError.of("NOT_FOUND", e.getMessage()));
    }

    /**
     * Anything else in the same shape: Spring's own errors (405, 415, …) keep their status; the rest
     * (an I/O error on the WAL files, a bug) is a 500, logged with its cause.
     */
    @ExceptionHandler(Exception.class)
    ResponseEntity<ApiError> unexpected(Exception e) {
        if (e instanceof org.springframework.web.ErrorResponse framework) {
            int status = framework.getStatusCode().value();
            return ResponseEntity.status(status).body(ApiError.of("HTTP_" + status, e.getMessage()));
        }
        log.error("request failed", e);
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
                .body(ApiError.of("INTERNAL", e.getClass().getSimpleName() + ": " + e.getMessage()));
    }

    private static String fieldOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // any Jackson failure (a mapping error, or a read constraint such as a 10 kB number) knows where it was
            if (t instanceof tools.jackson.core.JacksonException d
                    && !d.getPath().isEmpty()) {
                return d.getPath().stream()
                        .map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]")
                        .reduce((a, b) -> a + "." + b)
                        .orElse(null);
            }
        }
        return null;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}

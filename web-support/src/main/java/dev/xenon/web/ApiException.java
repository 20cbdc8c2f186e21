package dev.xenon.web;

import dev.xenon.common.walnode.ApiError;

/**
 * A failure with a known HTTP answer. Each failure mode is its own subclass, next to the code that
 * raises it; {@link ApiExceptionHandler} turns any of them into {@link ApiError} JSON.
 */
public abstract class ApiException extends RuntimeException {

    protected ApiException(String message) {
        super(message);
    }

    /** HTTP status code. */
    public abstract int status();

    /** Stable machine-readable code, e.g. {@code TERM_CONFLICT}. */
    public abstract String code();

    /** The request field at fault, if any. */
    public String field() {
        return null;
    }

    /** The node's current term, for term conflicts. */
    public Long currentTerm() {
        return null;
    }

    public ApiError toError() {
        return new ApiError(code(), getMessage(), field(), currentTerm());
    }
}

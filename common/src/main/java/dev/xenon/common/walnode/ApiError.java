package dev.xenon.common.walnode;

/**
 * The JSON error shape at every Xenon HTTP edge: a stable {@code code}, a message a person can act
 * on, the request {@code field} at fault when there is one, and the node's current term for term
 * conflicts.
 */
public record ApiError(String code, String message, String field, Long currentTerm) {

    public static ApiError of(String code, String message) {
        return new ApiError(code, message, null, null);
    }
}

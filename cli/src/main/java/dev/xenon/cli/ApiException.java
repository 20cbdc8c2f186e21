package dev.xenon.cli;

/** A REST API v2 call that did not answer 2xx (status 0: no answer at all). */
final class ApiException extends RuntimeException {

    private final int status;
    private final String code;

    ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    /** 401: the key is missing, unknown or revoked — a usage problem (exit 2), not a failure of the call. */
    boolean unauthorized() {
        return status == 401;
    }
}

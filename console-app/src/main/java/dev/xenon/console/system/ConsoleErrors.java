package dev.xenon.console.system;

import dev.xenon.web.ApiException;

/** The control plane's failure modes beyond web-support's 400/404/409. */
public final class ConsoleErrors {
    private ConsoleErrors() {}

    /** No or an unknown API key: 401. */
    public static final class Unauthorized extends ApiException {
        public Unauthorized(String message) {
            super(message);
        }

        @Override
        public int status() {
            return 401;
        }

        @Override
        public String code() {
            return "UNAUTHORIZED";
        }
    }

    /** Allowed to see, not to do (a protected role, the default branch): 403. */
    public static final class Forbidden extends ApiException {
        public Forbidden(String message) {
            super(message);
        }

        @Override
        public int status() {
            return 403;
        }

        @Override
        public String code() {
            return "FORBIDDEN";
        }
    }

    /** A mutation of a branch with an unfinished operation: 423, retry later. */
    public static final class Locked extends ApiException {
        public Locked(String message) {
            super(message);
        }

        @Override
        public int status() {
            return 423;
        }

        @Override
        public String code() {
            return "LOCKED";
        }
    }

    /** The API key's rate limit is exhausted: 429 with {@code Retry-After}. */
    public static final class TooManyRequests extends ApiException {
        private final long retryAfterSeconds;

        public TooManyRequests(long retryAfterSeconds) {
            super("rate limit exceeded, retry after " + retryAfterSeconds + " s");
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }

        @Override
        public int status() {
            return 429;
        }

        @Override
        public String code() {
            return "TOO_MANY_REQUESTS";
        }
    }

    /** The data plane could not do it now (a compute did not start in time or failed to): 503. */
    public static final class Unavailable extends ApiException {
        private final String code;

        public Unavailable(String code, String message) {
            super(message);
            this.code = code;
        }

        @Override
        public int status() {
            return 503;
        }

        @Override
        public String code() {
            return code;
        }
    }
}

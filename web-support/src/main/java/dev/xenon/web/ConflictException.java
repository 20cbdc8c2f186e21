package dev.xenon.web;

/** A request that contradicts the current state (exists already, has children, history gone): HTTP 409. */
public class ConflictException extends ApiException {

    private final String code;
    private final String field;

    public ConflictException(String code, String field, String message) {
        super(message);
        this.code = code;
        this.field = field;
    }

    @Override
    public int status() {
        return 409;
    }

    @Override
    public String code() {
        return code;
    }

    @Override
    public String field() {
        return field;
    }
}

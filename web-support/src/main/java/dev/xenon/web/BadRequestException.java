package dev.xenon.web;

/** Malformed input: HTTP 400 naming the field. */
public class BadRequestException extends ApiException {
    private final String field;

    public BadRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    @Override
    public int status() {
        return 400;
    }

    @Override
    public String code() {
        return "BAD_REQUEST";
    }

    @Override
    public String field() {
        return field;
    }
}

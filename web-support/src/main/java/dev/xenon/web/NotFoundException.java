package dev.xenon.web;

/** An unknown tenant, timeline or layer: HTTP 404. */
public class NotFoundException extends ApiException {

    public NotFoundException(String message) {
        super(message);
    }

    @Override
    public int status() {
        return 404;
    }

    @Override
    public String code() {
        return "NOT_FOUND";
    }
}

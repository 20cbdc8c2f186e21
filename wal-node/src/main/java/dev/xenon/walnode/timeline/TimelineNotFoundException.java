package dev.xenon.walnode.timeline;

import dev.xenon.common.TimelineId;
import dev.xenon.web.ApiException;

/** No such timeline on this node. HTTP 404. */
public class TimelineNotFoundException extends ApiException {
    public TimelineNotFoundException(TimelineId id) {
        super("timeline " + id + " not found on this WAL node");
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

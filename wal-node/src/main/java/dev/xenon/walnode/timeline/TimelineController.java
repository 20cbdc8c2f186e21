package dev.xenon.walnode.timeline;

import dev.xenon.common.Lsn;
import dev.xenon.common.TimelineId;
import dev.xenon.common.walnode.FollowRequest;
import dev.xenon.common.walnode.RemoveBeforeRequest;
import dev.xenon.common.walnode.RemoveBeforeResponse;
import dev.xenon.common.walnode.TermRequest;
import dev.xenon.common.walnode.TermResponse;
import dev.xenon.common.walnode.TimelineStatus;
import dev.xenon.web.BadRequestException;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** The WAL node's HTTP API under {@code /v1/timeline}. See {@code wal-node/README.md}. */
@RestController
class TimelineController {

    private final TimelineRegistry timelines;

    TimelineController(TimelineRegistry timelines) {
        this.timelines = timelines;
    }

    @GetMapping("/v1/timeline")
    List<TimelineStatus> list() {
        return timelines.all().stream()
                .map(Timeline::status)
                .sorted(Comparator.comparing(s -> s.timelineId().toString()))
                .toList();
    }

    @GetMapping("/v1/timeline/{timelineId}")
    TimelineStatus status(@PathVariable String timelineId) {
        return timelines.get(timelineId(timelineId)).status();
    }

    /** Votes for a higher term; creates the timeline on its first term. */
    @PutMapping("/v1/timeline/{timelineId}/term")
    TermResponse term(@PathVariable String timelineId, @RequestBody(required = false) TermRequest body)
            throws IOException {
        TimelineId id = timelineId(timelineId);
        if (body == null || body.term() == null) {
            throw new BadRequestException("term", "term is required, e.g. {\"term\": 3}");
        }
        return timelines.getOrCreate(id).acceptTerm(body.term());
    }

    @PostMapping("/v1/timeline/{timelineId}/follow")
    TimelineStatus follow(@PathVariable String timelineId, @RequestBody(required = false) FollowRequest body)
            throws IOException {
        Timeline timeline = timelines.get(timelineId(timelineId));
        if (body == null || body.term() == null) {
            throw new BadRequestException("term", "term is required");
        }
        if (body.startLsn() == null || !body.startLsn().isValid()) {
            throw new BadRequestException("startLsn", "startLsn is required, e.g. \"0/16B3748\"");
        }
        if (body.compute() == null
                || body.compute().host() == null
                || body.compute().port() <= 0) {
            throw new BadRequestException("compute", "compute {host, port, user, password} is required");
        }
        if (body.compute().user() == null) {
            throw new BadRequestException("compute.user", "compute.user is required");
        }
        return timeline.follow(body);
    }

    @DeleteMapping("/v1/timeline/{timelineId}/follow")
    TimelineStatus stopFollowing(@PathVariable String timelineId) throws IOException {
        return timelines.get(timelineId(timelineId)).stopFollowing();
    }

    @PostMapping("/v1/timeline/{timelineId}/remove-before")
    RemoveBeforeResponse removeBefore(
            @PathVariable String timelineId, @RequestBody(required = false) RemoveBeforeRequest body)
            throws IOException {
        Timeline timeline = timelines.get(timelineId(timelineId));
        if (body == null || body.lsn() == null) {
            throw new BadRequestException("lsn", "lsn is required, e.g. {\"lsn\": \"0/3000000\"}");
        }
        return timeline.removeBefore(body.lsn());
    }

    /** Raw WAL bytes {@code [from, to)}, as they are in the segment files. */
    @GetMapping("/v1/timeline/{timelineId}/wal")
    ResponseEntity<StreamingResponseBody> wal(
            @PathVariable String timelineId,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to) {
        Timeline timeline = timelines.get(timelineId(timelineId));
        Lsn start = lsn("from", from);
        Lsn end = to == null ? timeline.status().flushLsn() : lsn("to", to);
        if (end.isBefore(start)) {
            throw new BadRequestException("to", "to (" + end + ") is before from (" + start + ")");
        }
        timeline.checkWalRange(start, end);
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .contentLength(end.minus(start))
                .body(out -> timeline.streamWal(start, end, out));
    }

    private static TimelineId timelineId(String text) {
        try {
            return TimelineId.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("timelineId", e.getMessage());
        }
    }

    private static Lsn lsn(String field, String text) {
        if (text == null) {
            throw new BadRequestException(field, field + " is required, e.g. " + field + "=0/16B3748");
        }
        try {
            return Lsn.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(field, e.getMessage());
        }
    }
}

package dev.xenon.console.endpoint;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The proxy's calls ({@code /internal/v1}, not part of API v2; authenticated by the internal token,
 * see {@code InternalTokenFilter}): wake an endpoint, report its client connections.
 */
@RestController
@RequestMapping("/internal/v1/endpoints/{endpoint_id}")
class InternalEndpointController {

    record ConnectionsReport(Integer count) {}

    private final WakeService wakes;

    InternalEndpointController(WakeService wakes) {
        this.wakes = wakes;
    }

    /** {@code {endpoint_id, host, port}} of the running compute; starts it when suspended. */
    @PostMapping("/wake")
    WakeService.Address wake(@PathVariable("endpoint_id") String endpointId) {
        return wakes.wake(endpointId);
    }

    /** Body {@code {count}}: client connections of the endpoint through this proxy now. */
    @PostMapping("/connections")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void connections(
            @PathVariable("endpoint_id") String endpointId, @RequestBody(required = false) ConnectionsReport body) {
        int count = body == null || body.count() == null ? 0 : Math.max(0, body.count());
        wakes.reportConnections(endpointId, count);
    }
}

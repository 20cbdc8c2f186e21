package dev.xenon.proxy.session;

import dev.xenon.proxy.console.ConsoleClient;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Every {@code report-interval}, tells the control plane the client connections of each endpoint
 * that has some (it refreshes the endpoint's {@code last_active}, so suspend on idle leaves it
 * running), and once more when an endpoint dropped to none.
 */
@Component
class ActivityReporter {

    private final Sessions sessions;
    private final ConsoleClient console;
    private final Set<String> reportedBusy = new HashSet<>();

    ActivityReporter(Sessions sessions, ConsoleClient console) {
        this.sessions = sessions;
        this.console = console;
    }

    @Scheduled(
            fixedDelayString = "${xenon.proxy.report-interval:10s}",
            initialDelayString = "${xenon.proxy.report-interval:10s}")
    synchronized void report() {
        for (Map.Entry<String, Integer> e : sessions.counts().entrySet()) {
            int count = e.getValue();
            if (count > 0 || reportedBusy.contains(e.getKey())) {
                if (console.reportConnections(e.getKey(), count)) {
                    if (count > 0) {
                        reportedBusy.add(e.getKey());
                    } else {
                        reportedBusy.remove(e.getKey());
                    }
                }
            }
        }
    }
}

package dev.xenon.console.web;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code xenon.console.web.*}: the web console's settings.
 *
 * @param loginFailuresPerEmail failed logins of one email within {@code loginWindow} after which
 *     further attempts are refused (429) until the window passes
 * @param loginFailuresPerAddress the same per client address
 * @param loginWindow the window of both login limits
 * @param storageSampleInterval how often each branch's storage size is sampled for the chart
 * @param storageSamples samples kept per branch (in memory)
 */
@ConfigurationProperties("xenon.console.web")
public record WebConsoleProperties(
        @DefaultValue("5") int loginFailuresPerEmail,
        @DefaultValue("20") int loginFailuresPerAddress,
        @DefaultValue("60s") Duration loginWindow,
        @DefaultValue("60s") Duration storageSampleInterval,
        @DefaultValue("240") int storageSamples) {}

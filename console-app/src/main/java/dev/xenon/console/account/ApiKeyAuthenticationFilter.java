package dev.xenon.console.account;

import dev.xenon.common.walnode.ApiError;
import dev.xenon.console.model.ApiKey;
import dev.xenon.console.model.ApiKeyRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Authenticates every {@code /api/v2/**} request (but the OpenAPI document) by its {@code
 * Authorization: Bearer <API key>} header: 401 without a known, unrevoked key, 429 with {@code
 * Retry-After} when the key's {@link RateLimiter} bucket is empty.
 */
@Component
class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

    static final String API_PREFIX = "/api/v2/";
    private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

    private final ApiKeyRepository keys;
    private final RateLimiter rateLimiter;
    private final JsonMapper json;
    private final Clock clock;
    private final Counter rejected;

    ApiKeyAuthenticationFilter(
            ApiKeyRepository keys, RateLimiter rateLimiter, JsonMapper json, Clock clock, MeterRegistry meters) {
        this.keys = keys;
        this.rateLimiter = rateLimiter;
        this.json = json;
        this.clock = clock;
        this.rejected = Counter.builder("xenon.console.api.rate_limited")
                .description("API requests rejected by the per-key rate limit")
                .register(meters);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !path.startsWith(API_PREFIX) || path.startsWith(API_PREFIX + "openapi.json");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<ApiKey> key = bearer(request).map(ApiKeyHasher::hash).flatMap(keys::findByKeyHash);
        if (key.isEmpty() || key.get().isRevoked()) {
            response.setHeader("WWW-Authenticate", "Bearer");
            write(
                    response,
                    401,
                    ApiError.of("UNAUTHORIZED", "a valid API key is required: Authorization: Bearer <key>"));
            return;
        }
        ApiKey apiKey = key.get();
        long retryAfter = rateLimiter.tryAcquire(apiKey.getId());
        if (retryAfter > 0) {
            rejected.increment();
            response.setHeader("Retry-After", Long.toString(retryAfter));
            write(
                    response,
                    429,
                    ApiError.of("TOO_MANY_REQUESTS", "rate limit exceeded, retry after " + retryAfter + " s"));
            return;
        }
        markUsed(apiKey);
        request.setAttribute(AuthenticatedUser.ATTRIBUTE, new AuthenticatedUser(apiKey.getUserId(), apiKey.getId()));
        chain.doFilter(request, response);
    }

    private void markUsed(ApiKey apiKey) {
        Instant now = clock.instant();
        if (apiKey.getLastUsedAt() == null || apiKey.getLastUsedAt().isBefore(now.minus(LAST_USED_RESOLUTION))) {
            apiKey.setLastUsedAt(now);
            keys.save(apiKey);
        }
    }

    private static Optional<String> bearer(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = header.substring(7).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    private void write(HttpServletResponse response, int status, ApiError error) throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.getOutputStream().write(json.writeValueAsBytes(error));
    }
}

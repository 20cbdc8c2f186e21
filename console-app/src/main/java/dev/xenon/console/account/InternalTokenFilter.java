package dev.xenon.console.account;

import dev.xenon.common.walnode.ApiError;
import dev.xenon.console.system.ConsoleProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Authenticates every {@code /internal/**} request (the proxy's wake and activity calls) by the
 * shared secret {@code xenon.console.internal-token}, sent as {@code Authorization: Bearer <token>}
 * and compared in constant time. Without a configured token every internal request is refused: the
 * internal API is reachable wherever the HTTP port is (a Kubernetes service), so loopback is no
 * protection. API keys are not accepted here, and the token is not accepted under {@code /api/v2}.
 */
@Component
class InternalTokenFilter extends OncePerRequestFilter {

    static final String INTERNAL_PREFIX = "/internal/";

    private final byte[] token;
    private final JsonMapper json;

    InternalTokenFilter(ConsoleProperties console, JsonMapper json) {
        String configured = console.internalToken();
        this.token = configured == null || configured.isBlank() ? null : configured.getBytes(StandardCharsets.UTF_8);
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !path.startsWith(INTERNAL_PREFIX);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        boolean ok = token != null
                && header != null
                && header.regionMatches(true, 0, "Bearer ", 0, 7)
                && MessageDigest.isEqual(token, header.substring(7).strip().getBytes(StandardCharsets.UTF_8));
        if (!ok) {
            response.setStatus(401);
            response.setHeader("WWW-Authenticate", "Bearer");
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.getOutputStream()
                    .write(json.writeValueAsBytes(ApiError.of(
                            "UNAUTHORIZED",
                            token == null
                                    ? "the internal API is disabled: xenon.console.internal-token is not set"
                                    : "the internal token is required: Authorization: Bearer <token>")));
            return;
        }
        chain.doFilter(request, response);
    }
}

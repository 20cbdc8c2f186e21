package dev.xenon.web;

import dev.xenon.common.http.NodeToken;
import dev.xenon.common.walnode.ApiError;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Node-to-node authentication for a node's API ({@code /v1/**}): with {@code xenon.node-token} set
 * (or {@code XENON_NODE_TOKEN}), a request without {@code Authorization: Bearer <token>} is answered
 * 401 {@code UNAUTHORIZED} and never reaches a controller. Actuator (health, Prometheus) stays open
 * for probes and scrapers. Applications import it ({@code @Import(NodeTokenFilter.class)}).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class NodeTokenFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(NodeTokenFilter.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String token;

    public NodeTokenFilter(@Value("${" + NodeToken.PROPERTY + ":}") String token) {
        this.token = token == null || token.isBlank() ? null : token;
        if (this.token == null) {
            log.warn(
                    "no {} configured: the node API accepts requests from anyone who can reach it", NodeToken.PROPERTY);
        }
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return token == null || !request.getRequestURI().startsWith("/v1/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (NodeToken.matches(request.getHeader(HttpHeaders.AUTHORIZATION), token)) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        response.getOutputStream()
                .write(JSON.writeValueAsString(ApiError.of(
                                "UNAUTHORIZED", "this node API needs the node token (Authorization: Bearer ...)"))
                        .getBytes(StandardCharsets.UTF_8));
    }
}

package dev.xenon.web;

import dev.xenon.common.walnode.ApiError;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * A request whose {@code Content-Type} is not one media type ({@code *}{@code /*}, {@code
 * application/*}, or not a media type at all) is answered 415 {@code UNSUPPORTED_MEDIA_TYPE} here:
 * Spring MVC would fail on a wildcard with an {@code IllegalArgumentException}, a 500
 * (spring-projects/spring-framework#27957). Applications import it ({@code
 * @Import(ContentTypeFilter.class)}).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ContentTypeFilter extends OncePerRequestFilter {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
        String problem = contentType == null ? null : problem(contentType);
        if (problem == null) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.getOutputStream()
                .write(JSON.writeValueAsBytes(new ApiError("UNSUPPORTED_MEDIA_TYPE", problem, "Content-Type", null)));
    }

    private static String problem(String contentType) {
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return type.isWildcardType() || type.isWildcardSubtype()
                    ? "Content-Type " + contentType + " is not one media type; send application/json"
                    : null;
        } catch (InvalidMediaTypeException e) {
            return "Content-Type is not a media type: " + e.getMessage();
        }
    }
}

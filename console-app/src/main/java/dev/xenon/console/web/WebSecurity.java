package dev.xenon.console.web;

import dev.xenon.common.walnode.ApiError;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.HtmlUtils;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two filter chains. The machine one ({@code /api/**}, {@code /internal/**}, actuator, OpenAPI):
 * stateless, no CSRF, no session, every request let through to the filters that guard it as before
 * ({@code ApiKeyAuthenticationFilter}, {@code InternalTokenFilter}). The console one (everything
 * else): form login with a session, CSRF tokens on every form, the session id changed at login
 * (fixation), failed logins throttled by {@link LoginThrottle}.
 *
 * <p>Spring Security is used without Boot's auto-configuration (see the pom): the chain is
 * registered here, ahead of the API filters.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class WebSecurity {

    static final String LOGIN_EMAIL = WebSecurity.class.getName() + ".email";

    @Bean
    PasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder();
    }

    @Bean
    @Order(1)
    SecurityFilterChain machineChain(HttpSecurity http) throws Exception {
        http.securityMatcher(
                        "/api/**",
                        "/internal/**",
                        "/actuator/**",
                        "/swagger-ui/**",
                        "/swagger-ui",
                        "/swagger-ui.html",
                        "/v3/api-docs/**")
                .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(r -> r.disable())
                .securityContext(c -> c.disable())
                .anonymous(a -> a.disable())
                .headers(h -> h.disable());
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain consoleChain(HttpSecurity http, LoginThrottle throttle) throws Exception {
        http.authorizeHttpRequests(a -> a.requestMatchers("/login", "/signup", "/assets/**", "/favicon.ico", "/error")
                        .permitAll()
                        .anyRequest()
                        .authenticated())
                .formLogin(f -> f.loginPage("/login")
                        .usernameParameter("email")
                        .passwordParameter("password")
                        .successHandler((request, response, authentication) -> {
                            throttle.succeeded(authentication.getName());
                            if (authentication.getPrincipal() instanceof ConsoleUser user) {
                                user.eraseCredentials();
                            }
                            response.sendRedirect(request.getContextPath() + "/projects");
                        })
                        .failureHandler((request, response, exception) -> {
                            String email = request.getParameter("email");
                            throttle.failed(email, request.getRemoteAddr());
                            request.getSession().setAttribute(LOGIN_EMAIL, email == null ? "" : email);
                            response.sendRedirect(request.getContextPath() + "/login?error");
                        })
                        .permitAll())
                .logout(l -> l.logoutUrl("/logout").logoutSuccessUrl("/login?logout"))
                .sessionManagement(s -> s.sessionFixation(f -> f.changeSessionId()))
                .headers(
                        h -> h.contentSecurityPolicy(
                                c -> c.policyDirectives(
                                        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")))
                .addFilterBefore(new ThrottleFilter(throttle), UsernamePasswordAuthenticationFilter.class);
        return http.build();
    }

    /**
     * A request Spring Security's firewall refuses (an encoded {@code /}, {@code %}, {@code ;},
     * {@code \\} or NUL in the path, a dot segment, non-printable characters) gets a 400 in the API's
     * error shape, not the servlet container's default error page: a client of the API sees one
     * shape for every refusal.
     */
    @Bean
    RequestRejectedHandler requestRejectedHandler() {
        return (request, response, rejected) -> {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.getOutputStream()
                    .write(JSON.writeValueAsBytes(
                            ApiError.of("BAD_REQUEST", "the request was rejected: " + rejected.getMessage())));
        };
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Serves Spring Security's filters ahead of the API key and internal token filters. */
    @Bean
    FilterRegistrationBean<Filter> springSecurityFilterChainRegistration(
            @org.springframework.beans.factory.annotation.Qualifier("springSecurityFilterChain") Filter chain) {
        FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(chain);
        registration.setOrder(-100);
        registration.setName("springSecurityFilterChain");
        return registration;
    }

    /** Refuses {@code POST /login} with 429 while the email or the address is throttled. */
    static final class ThrottleFilter extends OncePerRequestFilter {
        private final LoginThrottle throttle;

        ThrottleFilter(LoginThrottle throttle) {
            this.throttle = throttle;
        }

        @Override
        protected boolean shouldNotFilter(HttpServletRequest request) {
            return !("POST".equals(request.getMethod())
                    && "/login"
                            .equals(request.getRequestURI()
                                    .substring(request.getContextPath().length())));
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            long retryAfter = throttle.retryAfter(request.getParameter("email"), request.getRemoteAddr());
            if (retryAfter == 0) {
                chain.doFilter(request, response);
                return;
            }
            response.setStatus(429);
            response.setHeader("Retry-After", Long.toString(retryAfter));
            response.setContentType("text/html;charset=UTF-8");
            response.getOutputStream()
                    .write(("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Too many attempts"
                                    + " · Xenon</title><link rel=\"stylesheet\" href=\"/assets/console.css\"></head>"
                                    + "<body class=\"auth\"><main class=\"card\"><h1>Too many login attempts</h1>"
                                    + "<p class=\"error\" id=\"throttled\">Too many failed logins for "
                                    + HtmlUtils.htmlEscape(String.valueOf(request.getParameter("email")))
                                    + ". Try again in " + retryAfter + " seconds.</p>"
                                    + "<p><a href=\"/login\">Back to log in</a></p></main></body></html>")
                            .getBytes(StandardCharsets.UTF_8));
        }
    }
}

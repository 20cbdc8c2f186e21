package dev.xenon.console.web;

import dev.xenon.console.account.AuthenticatedUser;
import dev.xenon.web.ApiException;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Base of the console's page controllers: the signed-in caller, and failures as an HTML error page
 * with the failure's status (a project of another user is a 404, as in the API). Handlers here win
 * over the API's JSON {@code @RestControllerAdvice}s.
 */
abstract class Pages {

    private static final Logger log = LoggerFactory.getLogger(Pages.class);

    static ConsoleUser me() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth != null && auth.getPrincipal() instanceof ConsoleUser user) {
            return user;
        }
        throw new IllegalStateException("no console login");
    }

    static AuthenticatedUser caller() {
        return me().caller();
    }

    @ModelAttribute("userEmail")
    String userEmail() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth != null && auth.getPrincipal() instanceof ConsoleUser user ? user.getUsername() : null;
    }

    @ExceptionHandler(ApiException.class)
    String apiFailure(ApiException e, Model model, HttpServletResponse response) {
        return errorPage(e.status(), e.getMessage(), model, response);
    }

    @ExceptionHandler(NoResourceFoundException.class)
    String noResource(NoResourceFoundException e, Model model, HttpServletResponse response) {
        return errorPage(404, "There is no such page.", model, response);
    }

    @ExceptionHandler(Exception.class)
    String unexpected(Exception e, Model model, HttpServletResponse response) {
        if (e instanceof org.springframework.web.ErrorResponse framework) {
            return errorPage(framework.getStatusCode().value(), e.getMessage(), model, response);
        }
        log.error("console page failed", e);
        return errorPage(500, "Something went wrong: " + e.getClass().getSimpleName(), model, response);
    }

    static String errorPage(int status, String message, Model model, HttpServletResponse response) {
        response.setStatus(status);
        model.addAttribute("status", status);
        model.addAttribute("message", message);
        return "error";
    }
}

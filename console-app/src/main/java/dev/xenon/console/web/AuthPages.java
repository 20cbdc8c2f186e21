package dev.xenon.console.web;

import jakarta.servlet.http.HttpSession;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Sign up and the login page (Spring Security handles {@code POST /login} and {@code /logout}). */
@Controller
class AuthPages extends Pages {

    private final Accounts accounts;

    AuthPages(Accounts accounts) {
        this.accounts = accounts;
    }

    @GetMapping("/")
    String home() {
        return "redirect:/projects";
    }

    @GetMapping("/login")
    String login(
            @RequestParam(name = "error", required = false) String error,
            @RequestParam(name = "logout", required = false) String logout,
            @RequestParam(name = "email", required = false) String email,
            HttpSession session,
            Model model) {
        Object remembered = session.getAttribute(WebSecurity.LOGIN_EMAIL);
        if (remembered != null) {
            session.removeAttribute(WebSecurity.LOGIN_EMAIL);
        }
        model.addAttribute("email", email != null ? email : remembered == null ? "" : remembered);
        model.addAttribute("failed", error != null);
        model.addAttribute("loggedOut", logout != null);
        return "login";
    }

    @GetMapping("/signup")
    String signupForm(Model model) {
        model.addAttribute("email", "");
        model.addAttribute("errors", Map.of());
        return "signup";
    }

    @PostMapping("/signup")
    String signup(
            @RequestParam(name = "email", defaultValue = "") String email,
            @RequestParam(name = "password", defaultValue = "") String password,
            Model model,
            RedirectAttributes redirect) {
        try {
            accounts.signUp(email, password);
        } catch (Accounts.SignupRefused e) {
            model.addAttribute("email", email);
            model.addAttribute("errors", e.fieldErrors);
            return "signup";
        }
        redirect.addAttribute("email", Accounts.normalise(email));
        redirect.addFlashAttribute("notice", "Account created. Log in with your new password.");
        return "redirect:/login";
    }
}

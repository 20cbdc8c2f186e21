package dev.xenon.console.web;

import dev.xenon.console.model.User;
import dev.xenon.console.model.UserRepository;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Console accounts: sign-up (email and a password that passes {@link #passwordProblem}, stored as
 * bcrypt) and the lookup of form login. Emails are compared in lower case.
 */
@Service
class Accounts implements UserDetailsService {

    static final int MIN_PASSWORD = 10;
    static final int MAX_PASSWORD = 72; // bcrypt uses the first 72 bytes only
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");

    /** A refused sign-up: the message of each field at fault. */
    static final class SignupRefused extends RuntimeException {
        final Map<String, String> fieldErrors;

        SignupRefused(Map<String, String> fieldErrors) {
            super(fieldErrors.toString());
            this.fieldErrors = fieldErrors;
        }
    }

    private final UserRepository users;
    private final PasswordEncoder encoder;
    private final Clock clock;

    Accounts(UserRepository users, PasswordEncoder encoder, Clock clock) {
        this.users = users;
        this.encoder = encoder;
        this.clock = clock;
    }

    static String normalise(String email) {
        return email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
    }

    /**
     * The strength rule: {@value #MIN_PASSWORD} to {@value #MAX_PASSWORD} characters with a letter
     * and a digit or symbol, and not containing the email's name. Null when the password passes.
     */
    static String passwordProblem(String email, String password) {
        if (password == null || password.length() < MIN_PASSWORD) {
            return "Use at least " + MIN_PASSWORD + " characters.";
        }
        if (password.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PASSWORD) {
            return "Use at most " + MAX_PASSWORD + " bytes.";
        }
        if (password.chars().noneMatch(Character::isLetter) || password.chars().allMatch(Character::isLetter)) {
            return "Mix letters with digits or symbols.";
        }
        String local = normalise(email).contains("@")
                ? normalise(email).substring(0, normalise(email).indexOf('@'))
                : "";
        if (local.length() >= 3 && password.toLowerCase(Locale.ROOT).contains(local)) {
            return "Do not use your email's name in the password.";
        }
        return null;
    }

    @Transactional
    User signUp(String rawEmail, String password) {
        String email = normalise(rawEmail);
        Map<String, String> errors = new LinkedHashMap<>();
        if (!EMAIL.matcher(email).matches() || email.length() > 254) {
            errors.put("email", "Enter an email address like name@example.com.");
        } else if (users.findByEmail(email).isPresent()) {
            errors.put("email", "An account with this email exists already: log in instead.");
        }
        String problem = passwordProblem(email, password);
        if (problem != null) {
            errors.put("password", problem);
        }
        if (!errors.isEmpty()) {
            throw new SignupRefused(errors);
        }
        User user = new User(email, email.substring(0, email.indexOf('@')), clock.instant());
        user.setPasswordHash(encoder.encode(password));
        return users.save(user);
    }

    @Override
    @Transactional(readOnly = true)
    public UserDetails loadUserByUsername(String username) {
        User user = users.findByEmail(normalise(username))
                .filter(u -> u.getPasswordHash() != null)
                .orElseThrow(() -> new UsernameNotFoundException("no console login"));
        return new ConsoleUser(user.getId(), user.getEmail(), user.getPasswordHash());
    }
}

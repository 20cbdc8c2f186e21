package dev.xenon.console.web;

import dev.xenon.console.account.AuthenticatedUser;
import java.io.Serializable;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;

/** A console login: the principal of a session. The password hash is erased after login. */
final class ConsoleUser implements UserDetails, Serializable {

    private final UUID id;
    private final String email;
    private String passwordHash;

    ConsoleUser(UUID id, String email, String passwordHash) {
        this.id = id;
        this.email = email;
        this.passwordHash = passwordHash;
    }

    UUID id() {
        return id;
    }

    /** The caller as the services know it (API key 0: a console session). */
    AuthenticatedUser caller() {
        return new AuthenticatedUser(id, 0);
    }

    @Override
    public Collection<? extends GrantedAuthority> getAuthorities() {
        return List.of(new SimpleGrantedAuthority("ROLE_USER"));
    }

    @Override
    public String getPassword() {
        return passwordHash;
    }

    @Override
    public String getUsername() {
        return email;
    }

    void eraseCredentials() {
        passwordHash = null;
    }
}

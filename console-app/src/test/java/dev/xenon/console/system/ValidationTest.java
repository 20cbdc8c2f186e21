package dev.xenon.console.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xenon.web.BadRequestException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ValidationTest {

    @Test
    void identifiersAreCheckedAndTheFieldIsNamed() {
        assertThat(Validation.identifier("role.name", "app_user", Validation.RESERVED_ROLES))
                .isEqualTo("app_user");
        assertThat(Validation.identifier("role.name", "x".repeat(63), Validation.RESERVED_ROLES))
                .hasSize(63);
        for (String bad : new String[] {
            "", "x".repeat(64), "é".repeat(32), "cloud_admin", "xenon_replicator", "pg_monitor", "a\0b"
        }) {
            assertThatThrownBy(() -> Validation.identifier("role.name", bad, Validation.RESERVED_ROLES))
                    .isInstanceOf(BadRequestException.class)
                    .satisfies(
                            e -> assertThat(((BadRequestException) e).field()).isEqualTo("role.name"));
        }
        assertThatThrownBy(() -> Validation.identifier("role.name", null, Set.of()))
                .isInstanceOf(BadRequestException.class);
    }

    @Test
    void rangesIncludeTheirBounds() {
        assertThat(Validation.range("t", -1, -1, 604800)).isEqualTo(-1);
        assertThat(Validation.range("t", 604800, -1, 604800)).isEqualTo(604800);
        assertThatThrownBy(() -> Validation.range("t", 604801, -1, 604800))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("t must be between -1 and 604800");
        assertThatThrownBy(() -> Validation.range("t", null, -1, 604800)).isInstanceOf(BadRequestException.class);
    }

    @Test
    void namesAndChoices() {
        assertThatThrownBy(() -> Validation.name("branch.name", " ", 256)).isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> Validation.name("branch.name", "x".repeat(257), 256))
                .isInstanceOf(BadRequestException.class);
        assertThat(Validation.oneOf("type", "read_write", Set.of("read_write", "read_only")))
                .isEqualTo("read_write");
        assertThatThrownBy(() -> Validation.oneOf("type", "x", Set.of("read_write")))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("type must be one of");
    }

    @Test
    void passwordsAreLongAndAlphanumeric() {
        String password = Passwords.password();
        assertThat(password).hasSizeGreaterThanOrEqualTo(24).matches("[A-Za-z0-9]+");
        assertThat(Passwords.password()).isNotEqualTo(password);
    }
}

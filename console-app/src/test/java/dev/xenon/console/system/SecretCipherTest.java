package dev.xenon.console.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretCipherTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsAndNeverStoresThePlainText() {
        SecretCipher cipher = SecretCipher.fromConfig(null, dir.resolve("key"));
        String stored = cipher.encrypt("s3cret-password");
        assertThat(stored).startsWith("v1:").doesNotContain("s3cret");
        assertThat(cipher.encrypt("s3cret-password")).isNotEqualTo(stored); // fresh nonce
        assertThat(cipher.decrypt(stored)).isEqualTo("s3cret-password");
        assertThat(cipher.encrypt(null)).isNull();
    }

    @Test
    void theGeneratedKeyFileIsPrivateAndReused() throws Exception {
        Path keyFile = dir.resolve("sub/key");
        String stored = SecretCipher.fromConfig("", keyFile).encrypt("x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
                .isEqualTo("rw-------");
        assertThat(SecretCipher.fromConfig(null, keyFile).decrypt(stored)).isEqualTo("x");
    }

    @Test
    void anotherKeyCannotDecrypt() {
        String stored = SecretCipher.fromConfig(null, dir.resolve("a")).encrypt("x");
        SecretCipher other = SecretCipher.fromConfig(null, dir.resolve("b"));
        assertThatThrownBy(() -> other.decrypt(stored)).hasMessageContaining("secret-key");
    }
}

package dev.xenon.console.account;

import dev.xenon.console.model.User;
import dev.xenon.console.system.ConsoleProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Local mode: seeds the admin user ({@code xenon.console.bootstrap-user-email}) and an API key at
 * startup, idempotently. The key is {@code xenon.console.bootstrap-api-key} when set; otherwise,
 * when {@code xenon.console.api-key-file} is set, the key in that file, or a new key written there
 * ({@code 0600}) for the launcher to print. The key itself is never logged.
 */
@Component
class BootstrapSeeder implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(BootstrapSeeder.class);
    static final String KEY_NAME = "bootstrap";

    private final ConsoleProperties console;
    private final ApiKeyService keys;

    BootstrapSeeder(ConsoleProperties console, ApiKeyService keys) {
        this.console = console;
        this.keys = keys;
    }

    @Override
    public void run(ApplicationArguments args) {
        String key = blankToNull(console.bootstrapApiKey());
        Path file =
                console.apiKeyFile() == null || console.apiKeyFile().toString().isBlank() ? null : console.apiKeyFile();
        if (key == null && file == null) {
            return;
        }
        if (key == null) {
            key = readKey(file);
        }
        if (key == null) {
            key = ApiKeyHasher.newKey();
        }
        User admin = keys.userByEmail(console.bootstrapUserEmail());
        boolean added = keys.ensure(admin.getId(), KEY_NAME, key);
        if (file != null) {
            writeKey(file, key);
        }
        log.info(
                "bootstrap user {} {} API key {}...{}",
                admin.getEmail(),
                added ? "got" : "has",
                ApiKeyHasher.displayPrefix(key),
                file == null ? "" : " (written to " + file + ")");
    }

    private static String readKey(Path file) {
        try {
            return Files.exists(file) ? blankToNull(Files.readString(file).strip()) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the API key file " + file, e);
        }
    }

    private static void writeKey(Path file, String key) {
        try {
            if (Files.exists(file) && key.equals(Files.readString(file).strip())) {
                return;
            }
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = dir.resolve(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, key + "\n");
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the API key file " + file, e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}

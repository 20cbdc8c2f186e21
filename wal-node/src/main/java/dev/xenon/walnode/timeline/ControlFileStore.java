package dev.xenon.walnode.timeline;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code control.json} of a timeline: {@link ControlState} as JSON. Replaced atomically: written to
 * {@code control.json.tmp}, fsynced, renamed over the old file, directory fsynced — a crash leaves
 * either the old or the new state, never a mix. Mode 0600: it holds the compute's password.
 */
final class ControlFileStore {

    static final String FILE = "control.json";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path dir;

    ControlFileStore(Path dir) {
        this.dir = dir;
    }

    Optional<ControlState> load() throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(JSON.readValue(Files.readString(file, StandardCharsets.UTF_8), ControlState.class));
    }

    void save(ControlState state) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(FILE + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(state)));
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}

package dev.xenon.storagenode.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link RemoteStorage} must do. Subclasses provide a storage that is empty when each
 * test starts; {@link LocalFsRemoteStorageTest} and {@code S3RemoteStorageIT} run it against both
 * implementations. Listing and deleting {@value #MANY} objects crosses page and batch boundaries
 * when the storage uses small ones (the S3 test uses 10).
 */
abstract class RemoteStorageContractTest {

    static final int MANY = 25;

    @TempDir
    Path localDir;

    /** The storage under test, empty at the start of each test. */
    protected abstract RemoteStorage storage();

    @Test
    void uploadsAndDownloadsAMultiMegabyteFile() throws IOException {
        byte[] content = randomBytes(8 * 1024 * 1024 + 17, 1);
        Path source = Files.write(localDir.resolve("layer"), content);
        RemotePath path = RemotePath.parse("tenants/t1/timelines/tl1/layer-0001");

        storage().upload(path, source);

        Path target = localDir.resolve("downloaded/layer");
        storage().download(path, target);
        assertThat(Files.readAllBytes(target)).isEqualTo(content);
        assertThat(storage().downloadBytes(path)).isEqualTo(content);
        assertThat(storage().list(RemotePath.ROOT)).containsExactly(new RemoteObject(path, content.length));
    }

    @Test
    void uploadsAndDownloadsBytesIncludingAnEmptyObject() throws IOException {
        byte[] content = "index_part v1".getBytes(StandardCharsets.UTF_8);
        RemotePath index = RemotePath.parse("tenants/t1/index_part.json");
        RemotePath empty = RemotePath.parse("tenants/t1/empty");

        storage().uploadBytes(index, content);
        storage().uploadBytes(empty, new byte[0]);

        assertThat(storage().downloadBytes(index)).isEqualTo(content);
        assertThat(storage().downloadBytes(empty)).isEmpty();
        Path target = localDir.resolve("empty");
        storage().download(empty, target);
        assertThat(target).isEmptyFile();
        assertThat(storage().list(RemotePath.ROOT))
                .containsExactly(new RemoteObject(empty, 0), new RemoteObject(index, content.length));
    }

    @Test
    void uploadOverwrites() throws IOException {
        RemotePath path = RemotePath.parse("a/object");
        storage().uploadBytes(path, "first, longer version".getBytes(StandardCharsets.UTF_8));
        Path second = Files.writeString(localDir.resolve("second"), "second");

        storage().upload(path, second);

        assertThat(storage().downloadBytes(path))
                .asString(StandardCharsets.UTF_8)
                .isEqualTo("second");
        assertThat(storage().list(RemotePath.ROOT)).containsExactly(new RemoteObject(path, 6));
    }

    @Test
    void listsEverythingBelowAPrefixSortedByPath() throws IOException {
        List<String> all = List.of("a/2", "a/1", "a/b/3", "a/b/c/4", "ab/5", "a-c/6", "b", "B/7");
        for (String path : all) {
            storage().uploadBytes(RemotePath.parse(path), path.getBytes(StandardCharsets.UTF_8));
        }

        assertThat(paths(storage().list(RemotePath.ROOT)))
                .containsExactly("B/7", "a-c/6", "a/1", "a/2", "a/b/3", "a/b/c/4", "ab/5", "b");
        assertThat(paths(storage().list(RemotePath.parse("a")))).containsExactly("a/1", "a/2", "a/b/3", "a/b/c/4");
        assertThat(paths(storage().list(RemotePath.parse("a/b")))).containsExactly("a/b/3", "a/b/c/4");
        assertThat(storage().list(RemotePath.parse("a/b/c")))
                .containsExactly(new RemoteObject(RemotePath.parse("a/b/c/4"), 7));
        assertThat(storage().list(RemotePath.parse("b")))
                .as("an object is not a prefix")
                .isEmpty();
        assertThat(storage().list(RemotePath.parse("nothing/here"))).isEmpty();
        assertThat(storage().list(RemotePath.ROOT)).allSatisfy(object -> assertThat(object.size())
                .isEqualTo(object.path().value().length()));
    }

    @Test
    void listsAndDeletesManyObjectsAcrossPages() throws IOException {
        List<RemotePath> many = IntStream.range(0, MANY)
                .mapToObj(i -> RemotePath.of("many", "%04d".formatted(i)))
                .toList();
        for (RemotePath path : many) {
            storage().uploadBytes(path, new byte[] {1, 2, 3});
        }
        storage().uploadBytes(RemotePath.parse("other"), new byte[] {4});

        assertThat(storage().list(RemotePath.parse("many")))
                .extracting(RemoteObject::path)
                .containsExactlyElementsOf(many);
        assertThat(storage().list(RemotePath.ROOT)).hasSize(MANY + 1);

        storage().delete(many);

        assertThat(storage().list(RemotePath.parse("many"))).isEmpty();
        assertThat(paths(storage().list(RemotePath.ROOT))).containsExactly("other");
    }

    @Test
    void deleteIsIdempotent() throws IOException {
        RemotePath a = RemotePath.parse("x/a");
        RemotePath b = RemotePath.parse("x/b");
        storage().uploadBytes(a, new byte[] {1});
        storage().uploadBytes(b, new byte[] {2});

        storage().delete(List.of(a, RemotePath.parse("x/missing"), a, RemotePath.parse("never/there")));
        storage().delete(List.of(a));
        storage().delete(List.of());

        assertThat(storage().list(RemotePath.ROOT)).containsExactly(new RemoteObject(b, 1));
        assertThatThrownBy(() -> storage().downloadBytes(a)).isInstanceOf(RemoteObjectNotFoundException.class);
    }

    @Test
    void downloadOfAMissingObjectNamesThePath() {
        RemotePath missing = RemotePath.parse("tenants/t1/no-such-layer");

        assertThatThrownBy(() -> storage().downloadBytes(missing))
                .isInstanceOfSatisfying(RemoteObjectNotFoundException.class, e -> assertThat(e.path())
                        .isEqualTo(missing))
                .hasMessageContaining("tenants/t1/no-such-layer")
                .hasMessageContaining(storage().describe());
        assertThatThrownBy(() -> storage().download(missing, localDir.resolve("target")))
                .isInstanceOf(RemoteObjectNotFoundException.class)
                .hasMessageContaining("tenants/t1/no-such-layer");
    }

    @Test
    void aPrefixIsNotAnObject() throws IOException {
        storage().uploadBytes(RemotePath.parse("dir/object"), new byte[] {1});

        assertThatThrownBy(() -> storage().downloadBytes(RemotePath.parse("dir")))
                .isInstanceOf(RemoteObjectNotFoundException.class);
        storage().delete(List.of(RemotePath.parse("dir")));
        assertThat(paths(storage().list(RemotePath.ROOT))).containsExactly("dir/object");
    }

    @Test
    void failedDownloadLeavesTheTargetAsItWasAndNoTempFile() throws IOException {
        Path emptyDir = Files.createDirectories(localDir.resolve("fresh"));
        Path existing = localDir.resolve("kept/target");
        Files.createDirectories(existing.getParent());
        Files.writeString(existing, "old content");

        assertThatThrownBy(() -> storage().download(RemotePath.parse("missing"), emptyDir.resolve("target")))
                .isInstanceOf(RemoteObjectNotFoundException.class);
        assertThatThrownBy(() -> storage().download(RemotePath.parse("missing"), existing))
                .isInstanceOf(RemoteObjectNotFoundException.class);

        assertThat(listDirectory(emptyDir)).isEmpty();
        assertThat(listDirectory(existing.getParent())).containsExactly("target");
        assertThat(existing).hasContent("old content");
    }

    @Test
    void downloadCreatesMissingDirectoriesAndReplacesTheTarget() throws IOException {
        RemotePath path = RemotePath.parse("object");
        storage().uploadBytes(path, "new content".getBytes(StandardCharsets.UTF_8));
        Path deep = localDir.resolve("x/y/z/object");
        Path existing = Files.writeString(localDir.resolve("existing"), "old content that is longer");

        storage().download(path, deep);
        storage().download(path, existing);

        assertThat(deep).hasContent("new content");
        assertThat(existing).hasContent("new content");
        assertThat(listDirectory(deep.getParent())).containsExactly("object");
    }

    @Test
    void theRootNamesNoObject() {
        assertThatThrownBy(() -> storage().uploadBytes(RemotePath.ROOT, new byte[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not the root");
        assertThatThrownBy(() -> storage().downloadBytes(RemotePath.ROOT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage().delete(List.of(RemotePath.ROOT)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void invalidPathsNeverReachTheStorage() {
        for (String bad : List.of("../escape", "/absolute", "a//b", "a/./b", "a b", "a/")) {
            assertThatThrownBy(() -> RemotePath.parse(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad);
        }
    }

    @Test
    void uploadOfAMissingLocalFileFailsAndStoresNothing() throws IOException {
        assertThatThrownBy(() -> storage().upload(RemotePath.parse("a"), localDir.resolve("no-such-file")))
                .isInstanceOf(NoSuchFileException.class);
        assertThat(storage().list(RemotePath.ROOT)).isEmpty();
    }

    @Test
    void readersSeeWholeObjectsWhileTheyAreOverwritten() throws Exception {
        RemotePath path = RemotePath.parse("contended");
        int size = 256 * 1024;
        byte[] as = filled(size, (byte) 'a');
        byte[] bs = filled(size, (byte) 'b');
        storage().uploadBytes(path, as);

        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < 60; i++) {
                    storage().uploadBytes(path, i % 2 == 0 ? bs : as);
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        Path target = localDir.resolve("contended");
        int reads = 0;
        while (!writer.isDone() || reads < 10) {
            assertWhole(storage().downloadBytes(path), size);
            storage().download(path, target);
            assertWhole(Files.readAllBytes(target), size);
            reads++;
        }
        writer.get(30, TimeUnit.SECONDS);
        assertThat(listDirectory(localDir)).containsExactly("contended");
    }

    static List<String> paths(List<RemoteObject> objects) {
        return objects.stream().map(object -> object.path().value()).toList();
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static List<String> listDirectory(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    private static byte[] filled(int size, byte value) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, value);
        return bytes;
    }

    private static void assertWhole(byte[] content, int size) {
        assertThat(content).hasSize(size);
        byte[] expected = filled(size, content[0]);
        assertThat(content).as("one whole version, not a mix of two").isEqualTo(expected);
    }
}

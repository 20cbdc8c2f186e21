package dev.xenon.storagenode.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFsRemoteStorageTest extends RemoteStorageContractTest {

    @TempDir
    Path root;

    private LocalFsRemoteStorage storage;

    @BeforeEach
    void createStorage() throws IOException {
        storage = new LocalFsRemoteStorage(root.resolve("remote"));
    }

    @Override
    protected RemoteStorage storage() {
        return storage;
    }

    @Test
    void anObjectIsAFileUnderTheRoot() throws IOException {
        storage.uploadBytes(RemotePath.parse("tenants/t1/layer"), "x".getBytes(StandardCharsets.UTF_8));

        assertThat(root.resolve("remote/tenants/t1/layer")).hasContent("x");
        assertThat(listDirectory(root.resolve("remote/tenants/t1"))).containsExactly("layer");
        assertThat(storage.describe())
                .isEqualTo("file://" + root.resolve("remote").toAbsolutePath());
    }

    @Test
    void createsItsRootDirectory() throws IOException {
        Path deep = root.resolve("a/b/c");
        new LocalFsRemoteStorage(deep);
        assertThat(deep).isDirectory();
    }

    @Test
    void listingSkipsTempFilesAndForeignNames() throws IOException {
        storage.uploadBytes(RemotePath.parse("dir/object"), new byte[] {1});
        Path dir = root.resolve("remote/dir");
        Files.write(dir.resolve(".object~0123456789abcdef.tmp"), new byte[] {2}); // a write cut short by a crash
        Files.write(dir.resolve("with space"), new byte[] {3});
        Files.createDirectories(root.resolve("remote/empty/dirs"));

        assertThat(storage.list(RemotePath.ROOT)).containsExactly(new RemoteObject(RemotePath.parse("dir/object"), 1));
        assertThat(storage.list(RemotePath.parse("empty"))).isEmpty();
    }

    @Test
    void aPathCannotBeBothAnObjectAndAPrefix() throws IOException {
        storage.uploadBytes(RemotePath.parse("a/b"), new byte[] {1});

        assertThatThrownBy(() -> storage.uploadBytes(RemotePath.parse("a/b/c"), new byte[] {2}))
                .isInstanceOf(IOException.class);
        assertThat(storage.list(RemotePath.ROOT)).containsExactly(new RemoteObject(RemotePath.parse("a/b"), 1));
        assertThatThrownBy(() -> storage.downloadBytes(RemotePath.parse("a/b/c")))
                .isInstanceOf(RemoteObjectNotFoundException.class);
    }

    @Test
    void twoInstancesOnOneDirectorySeeEachOthersObjects() throws IOException {
        LocalFsRemoteStorage other = new LocalFsRemoteStorage(root.resolve("remote"));
        storage.uploadBytes(RemotePath.parse("shared"), new byte[] {7});

        assertThat(other.downloadBytes(RemotePath.parse("shared"))).containsExactly(7);
    }
}

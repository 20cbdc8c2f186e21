package dev.xenon.storagenode.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xenon.storagenode.remote.FailingRemoteStorage.Operation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailingRemoteStorageTest {

    @TempDir
    Path dir;

    private LocalFsRemoteStorage real;
    private FailingRemoteStorage failing;

    @BeforeEach
    void createStorage() throws IOException {
        real = new LocalFsRemoteStorage(dir.resolve("remote"));
        failing = new FailingRemoteStorage(real);
    }

    @Test
    void failsTheNextCallsOfAnOperationWithoutReachingTheStorage() throws IOException {
        RemotePath path = RemotePath.parse("a/layer");
        failing.failNext(Operation.UPLOAD, 2);

        assertThatThrownBy(() -> failing.uploadBytes(path, new byte[] {1}))
                .isInstanceOf(IOException.class)
                .hasMessage("injected failure of upload a/layer (call 1)");
        assertThatThrownBy(() -> failing.upload(path, dir.resolve("not-even-read")))
                .hasMessage("injected failure of upload a/layer (call 2)");
        assertThat(real.list(RemotePath.ROOT)).isEmpty();

        failing.uploadBytes(path, new byte[] {1});
        assertThat(real.downloadBytes(path)).containsExactly(1);
        assertThat(failing.calls(Operation.UPLOAD)).isEqualTo(3);
    }

    @Test
    void failsAfterTheEffectWhenAsked() throws IOException {
        RemotePath path = RemotePath.parse("index_part");
        failing.failNextAfterEffect(Operation.UPLOAD, 1).failNextAfterEffect(Operation.DELETE, 1);

        assertThatThrownBy(() -> failing.uploadBytes(path, new byte[] {9}))
                .hasMessageContaining("after upload index_part took effect");
        assertThat(real.downloadBytes(path)).containsExactly(9);

        assertThatThrownBy(() -> failing.delete(List.of(path))).isInstanceOf(IOException.class);
        assertThat(real.list(RemotePath.ROOT)).isEmpty();
    }

    @Test
    void otherOperationsPassThrough() throws IOException {
        failing.failNext(Operation.DOWNLOAD, 1).failNext(Operation.LIST, 1);
        failing.uploadBytes(RemotePath.parse("x"), new byte[] {5});

        assertThatThrownBy(() -> failing.list(RemotePath.ROOT)).isInstanceOf(IOException.class);
        assertThat(failing.list(RemotePath.ROOT)).hasSize(1);
        assertThatThrownBy(() -> failing.downloadBytes(RemotePath.parse("x"))).isInstanceOf(IOException.class);
        assertThat(failing.downloadBytes(RemotePath.parse("x"))).containsExactly(5);
        assertThatThrownBy(() -> failing.downloadBytes(RemotePath.parse("missing")))
                .isInstanceOf(RemoteObjectNotFoundException.class);
        assertThat(failing.calls(Operation.DOWNLOAD)).isEqualTo(3);
        assertThat(failing.describe()).isEqualTo(real.describe());
    }
}

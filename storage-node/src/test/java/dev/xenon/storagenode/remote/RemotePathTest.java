package dev.xenon.storagenode.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RemotePathTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "tenants/3f2a/timelines/9c1b/000-001", "A.b_c-d/..e/e..", "x/.hidden", "0"})
    void parseAndToStringRoundTrip(String text) {
        RemotePath path = RemotePath.parse(text);
        assertThat(path.toString()).isEqualTo(text);
        assertThat(RemotePath.parse(path.toString())).isEqualTo(path);
        assertThat(path.isRoot()).isFalse();
    }

    @Test
    void emptyTextIsTheRoot() {
        assertThat(RemotePath.parse("")).isEqualTo(RemotePath.ROOT);
        assertThat(RemotePath.ROOT.isRoot()).isTrue();
        assertThat(RemotePath.ROOT.toString()).isEmpty();
        assertThat(RemotePath.ROOT.segments()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "/a|must be relative (no leading '/')",
                "a/|must not end with '/'",
                "a//b|empty segment at index 2",
                ".|'.' and '..' segments are not allowed",
                "a/../b|'.' and '..' segments are not allowed",
                "a/.|'.' and '..' segments are not allowed",
                "a b|character ' ' at index 1 is not allowed; segments use [A-Za-z0-9._-]",
                "a\\b|character '\\' at index 1 is not allowed",
                "tmp~1|character '~' at index 3 is not allowed",
                "ü|character 'ü' at index 0 is not allowed",
            })
    void rejectsBadTextWithAMessageSayingWhy(String text, String reason) {
        assertThatThrownBy(() -> RemotePath.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid remote path '" + text + "': ")
                .hasMessageContaining(reason);
        assertThat(RemotePath.tryParse(text)).isEmpty();
    }

    @Test
    void rejectsNullAndOverlongText() {
        assertThatThrownBy(() -> RemotePath.parse(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("remote path is missing");
        String longest = "a".repeat(RemotePath.MAX_LENGTH);
        assertThat(RemotePath.parse(longest).value()).hasSize(RemotePath.MAX_LENGTH);
        assertThatThrownBy(() -> RemotePath.parse(longest + "a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("longer than 1024 characters");
    }

    @Test
    void ofJoinsPartsThatMayHoldSeveralSegments() {
        assertThat(RemotePath.of("tenants", "t1", "timelines/tl1").value()).isEqualTo("tenants/t1/timelines/tl1");
        assertThat(RemotePath.of("a")).isEqualTo(RemotePath.parse("a"));
        assertThatThrownBy(() -> RemotePath.of("a", "", "b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty segment");
        assertThatThrownBy(() -> RemotePath.of("a", "..")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resolveParentAndFileName() {
        RemotePath timeline = RemotePath.of("tenants", "t1", "timelines", "tl1");
        RemotePath layer = timeline.resolve("layers/000-001");
        assertThat(layer.value()).isEqualTo("tenants/t1/timelines/tl1/layers/000-001");
        assertThat(layer.fileName()).isEqualTo("000-001");
        assertThat(layer.parent().parent()).isEqualTo(timeline);
        assertThat(layer.segments()).containsExactly("tenants", "t1", "timelines", "tl1", "layers", "000-001");
        assertThat(RemotePath.parse("a").parent()).isEqualTo(RemotePath.ROOT);
        assertThat(RemotePath.ROOT.resolve("a/b")).isEqualTo(RemotePath.parse("a/b"));
        assertThat(timeline.resolve(RemotePath.ROOT)).isEqualTo(timeline);

        assertThatThrownBy(() -> timeline.resolve("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> timeline.resolve("/abs")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> timeline.resolve("../escape")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(RemotePath.ROOT::parent)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("root");
        assertThatThrownBy(RemotePath.ROOT::fileName).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void startsWithComparesWholeSegments() {
        RemotePath path = RemotePath.parse("a/bc/d");
        assertThat(path.startsWith(RemotePath.ROOT)).isTrue();
        assertThat(path.startsWith(RemotePath.parse("a"))).isTrue();
        assertThat(path.startsWith(RemotePath.parse("a/bc"))).isTrue();
        assertThat(path.startsWith(path)).isTrue();
        assertThat(path.startsWith(RemotePath.parse("a/b"))).isFalse();
        assertThat(path.startsWith(RemotePath.parse("a/bc/d/e"))).isFalse();
        assertThat(RemotePath.ROOT.startsWith(RemotePath.parse("a"))).isFalse();
    }

    @Test
    void ordersAsS3ListsKeys() {
        List<RemotePath> paths = new ArrayList<>(List.of(
                RemotePath.parse("a/b"), RemotePath.parse("a-c"), RemotePath.parse("B"), RemotePath.parse("a")));
        paths.sort(null);
        // UTF-8 binary order: 'B' < 'a', '-' < '/'
        assertThat(paths).extracting(RemotePath::value).containsExactly("B", "a", "a-c", "a/b");
    }

    @Test
    void rootNamesNoObject() {
        assertThatThrownBy(() -> RemotePath.ROOT.requireObject("upload"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("upload needs an object path, not the root");
    }
}

package dev.xenon.storagenode.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class S3SettingsTest {

    @Test
    void defaultsAndNormalisesThePrefix() {
        S3Settings settings = new S3Settings("b", "/a/b/", null, " ", false, "", null);
        assertThat(settings.prefix()).isEqualTo("a/b");
        assertThat(settings.region()).isEqualTo("us-east-1");
        assertThat(settings.hasStaticCredentials()).isFalse();
        assertThat(settings.describe()).isEqualTo("s3://b/a/b");
        assertThat(S3Settings.of("b", null).describe()).isEqualTo("s3://b");
    }

    @Test
    void rejectsWhatCannotWork() {
        assertThatThrownBy(() -> S3Settings.of(" ", "p")).hasMessage("S3 bucket is missing");
        assertThatThrownBy(() -> S3Settings.of("b", "a//b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid S3 prefix: invalid remote path 'a//b'");
        assertThatThrownBy(() -> new S3Settings("b", "", null, null, false, null, "secret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("go together");
    }

    @Test
    void toStringHidesTheSecretKey() {
        S3Settings settings =
                new S3Settings("b", "p", URI.create("http://s3:9000"), "eu-west-1", true, "AKIA123", "very-secret");
        assertThat(settings.toString())
                .contains("accessKey=AKIA123", "secretKey=******", "endpoint=http://s3:9000")
                .doesNotContain("very-secret");
    }
}

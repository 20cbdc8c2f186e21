package dev.xenon.console.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ApiKeyHasherTest {

    @Test
    void keysAreLongRandomAndPrefixed() {
        String key = ApiKeyHasher.newKey();
        assertThat(key).startsWith("xenon_").hasSize(6 + 48).matches("xenon_[A-Za-z0-9]+");
        assertThat(ApiKeyHasher.newKey()).isNotEqualTo(key);
    }

    @Test
    void theHashIsSha256OfTheWholeKey() {
        assertThat(HexFormat.of().formatHex(ApiKeyHasher.hash("abc")))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(ApiKeyHasher.hash("abc")).isNotEqualTo(ApiKeyHasher.hash("abd"));
    }

    @Test
    void onlyAShortPrefixIsKeptForDisplay() {
        String key = ApiKeyHasher.newKey();
        assertThat(ApiKeyHasher.displayPrefix(key)).hasSize(10).isEqualTo(key.substring(0, 10));
        assertThat(ApiKeyHasher.displayPrefix("short")).isEqualTo("short");
    }
}

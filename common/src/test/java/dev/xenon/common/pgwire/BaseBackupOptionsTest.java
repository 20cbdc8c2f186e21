package dev.xenon.common.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BaseBackupOptionsTest {

    @Test
    void defaultsAskForAFastCheckpointWithoutWaitingOrManifest() {
        assertThat(BaseBackupOptions.defaults("image").command())
                .isEqualTo("BASE_BACKUP ( LABEL 'image', PROGRESS false, CHECKPOINT 'fast', WAIT false,"
                        + " MANIFEST 'no' )");
    }

    @Test
    void spreadCheckpointAndWait() {
        assertThat(BaseBackupOptions.defaults("image")
                        .withFastCheckpoint(false)
                        .withWaitForArchive(true)
                        .command())
                .contains("CHECKPOINT 'spread'", "WAIT true");
    }

    @Test
    void quotesInTheLabelAreDoubledAndBackslashesKept() {
        assertThat(BaseBackupOptions.defaults("it's a \\ label', WAIT true --").command())
                .startsWith("BASE_BACKUP ( LABEL 'it''s a \\ label'', WAIT true --', PROGRESS false,");
    }

    @Test
    void lineBreaksAndNulAreRefused() {
        for (String bad : new String[] {"a\nb", "a\rb", "a\0b"}) {
            assertThatThrownBy(() -> BaseBackupOptions.defaults(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("NUL, CR or LF");
        }
        assertThatThrownBy(() -> BaseBackupOptions.defaults(null)).isInstanceOf(NullPointerException.class);
    }
}

package dev.xenon.common.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery against this machine's real installations (CI and developers have PostgreSQL 15+). */
class PostgresInstallationTest {

    @Test
    void findsAnInstalledServerWithItsMajorVersion() {
        PostgresInstallation found = PostgresInstallation.discover(null, null);
        assertThat(PostgresInstallation.SUPPORTED_MAJOR_VERSIONS).contains(found.majorVersion());
        assertThat(found.tool("postgres")).isExecutable();
        assertThat(found.tool("initdb")).isExecutable();
        assertThat(found.versionString()).contains("PostgreSQL) " + found.majorVersion());
        // Asking for that exact major finds the same installation; a configured bin dir is honoured.
        assertThat(PostgresInstallation.discover(null, found.majorVersion()).binDir())
                .isEqualTo(found.binDir());
        assertThat(PostgresInstallation.discover(found.binDir(), null)).isEqualTo(found);
    }

    @Test
    void aConfiguredDirectoryWithoutPostgresIsAClearError(@TempDir Path empty) {
        assertThatThrownBy(() -> PostgresInstallation.discover(empty, null))
                .isInstanceOf(PostgresNotFoundException.class)
                .hasMessageContaining(empty.toString())
                .hasMessageContaining("no working 'postgres' binary");
        assertThat(PostgresInstallation.probe(empty)).isEmpty();
    }

    @Test
    void anUninstalledMajorVersionSaysWhatToInstall() {
        assertThatThrownBy(() -> PostgresInstallation.discover(null, 9))
                .isInstanceOf(PostgresNotFoundException.class)
                .hasMessageContaining("apt-get install postgresql-15")
                .hasMessageContaining("XENON_PG_BIN_DIR");
    }

    @Test
    void aFakeBinaryThatIsNotPostgresIsIgnored(@TempDir Path dir) throws Exception {
        for (String tool : new String[] {"postgres", "initdb"}) {
            Path f = dir.resolve(tool);
            Files.writeString(f, "#!/bin/sh\necho 'not a database'\n");
            f.toFile().setExecutable(true);
        }
        assertThat(PostgresInstallation.probe(dir)).isEmpty();
    }
}

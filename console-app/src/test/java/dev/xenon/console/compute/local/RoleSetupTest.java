package dev.xenon.console.compute.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RoleSetupTest {

    @Test
    void passwordsReachPostgresOnlyAsScramVerifiers() {
        String sql = RoleSetup.sql("admin-pass'word", "replicator-password");
        assertThat(sql).doesNotContain("admin-pass").doesNotContain("replicator-password");
        assertThat(sql)
                .containsPattern("ALTER ROLE \"cloud_admin\" WITH SUPERUSER LOGIN PASSWORD 'SCRAM-SHA-256\\$4096:");
        assertThat(sql)
                .contains(
                        "CREATE ROLE \"xenon_replicator\" WITH NOSUPERUSER LOGIN REPLICATION PASSWORD 'SCRAM-SHA-256$");
        assertThat(sql).startsWith("SET synchronous_commit = local;");
    }

    @Test
    void verifiersAreMaskedInErrorOutput() {
        String output = "ERROR:  something\nLINE 1: ALTER ROLE x PASSWORD 'SCRAM-SHA-256$4096:abc$def:ghi';";
        assertThat(RoleSetup.mask(output)).doesNotContain("abc").contains("'***'");
    }

    @Test
    void quotingDoublesQuotes() {
        assertThat(RoleSetup.quoteLiteral("it's")).isEqualTo("'it''s'");
        assertThat(RoleSetup.quoteIdentifier("a\"b")).isEqualTo("\"a\"\"b\"");
    }
}

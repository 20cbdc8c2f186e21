package dev.xenon.console.compute.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComputeConfigurationTest {

    @Test
    void quorumIsAMajorityOfTheWalNodes() {
        assertThat(ComputeConfiguration.synchronousStandbyNames(3))
                .isEqualTo("ANY 2 (\"wal-0\", \"wal-1\", \"wal-2\")");
        assertThat(ComputeConfiguration.synchronousStandbyNames(1)).isEqualTo("ANY 1 (\"wal-0\")");
        assertThat(ComputeConfiguration.synchronousStandbyNames(5))
                .isEqualTo("ANY 3 (\"wal-0\", \"wal-1\", \"wal-2\", \"wal-3\", \"wal-4\")");
        assertThat(ComputeConfiguration.walNodeNames(4)).containsExactly("wal-0", "wal-1", "wal-2", "wal-3");
        assertThatThrownBy(() -> ComputeConfiguration.walNodeNames(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void settingsListenOnLoopbackWithAPrivateSocketAndQuorumCommit() {
        Map<String, String> settings = ComputeConfiguration.settings(
                "ep-a", Path.of("/run/x"), Path.of("/data/pgdata/pg_hba.conf"), 3, Map.of("work_mem", "8MB"));
        assertThat(settings)
                .containsEntry("listen_addresses", "127.0.0.1")
                .containsEntry("unix_socket_directories", "/run/x")
                .containsEntry("unix_socket_permissions", "0700")
                .containsEntry("hba_file", "/data/pgdata/pg_hba.conf")
                .containsEntry("synchronous_commit", "on")
                .containsEntry("synchronous_standby_names", "ANY 2 (\"wal-0\", \"wal-1\", \"wal-2\")")
                .containsEntry("password_encryption", "scram-sha-256")
                .containsEntry("wal_level", "replica")
                .containsEntry("cluster_name", "ep-a")
                .containsEntry("work_mem", "8MB");
        assertThat(Integer.parseInt(settings.get("max_wal_senders"))).isGreaterThanOrEqualTo(4);
        assertThat(Integer.parseInt(settings.get("max_replication_slots"))).isGreaterThanOrEqualTo(3);
        assertThat(settings).doesNotContainKey("port");
    }

    @Test
    void endpointSettingsMayOverrideDefaultsButNotManagedSettings() {
        assertThat(ComputeConfiguration.settings(
                        "ep-a", Path.of("/s"), Path.of("/h"), 3, Map.of("shared_buffers", "1GB")))
                .containsEntry("shared_buffers", "1GB");
        for (String managed : List.of("listen_addresses", "Port", " hba_file", "synchronous_standby_names")) {
            assertThatThrownBy(() -> ComputeConfiguration.checkEndpointSettings(Map.of(managed, "x")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("managed by the platform");
        }
    }

    @Test
    void pgHbaTrustsOnlyTheAdminOverTheSocketAndRequiresScramOverTcp() {
        List<String[]> rules = ComputeConfiguration.PG_HBA
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .map(l -> l.split("\\s+"))
                .toList();
        assertThat(rules)
                .filteredOn(r -> r[0].equals("local"))
                .allSatisfy(r -> assertThat(r[2]).isEqualTo("cloud_admin"))
                .hasSize(2);
        assertThat(rules).filteredOn(r -> r[0].equals("host")).allSatisfy(r -> assertThat(r[r.length - 1])
                .isIn("scram-sha-256", "reject"));
        assertThat(rules).filteredOn(r -> r[r.length - 1].equals("trust")).allSatisfy(r -> assertThat(r[0])
                .isEqualTo("local"));
        // replication only for the replication role, and that role never into a database
        assertThat(rules)
                .filteredOn(r -> r[0].equals("host") && r[1].equals("replication"))
                .singleElement()
                .satisfies(r -> assertThat(r[2]).isEqualTo("xenon_replicator"));
        int reject = indexOf(rules, "host", "all", "xenon_replicator");
        int scramForAll = indexOf(rules, "host", "all", "all");
        assertThat(reject).isNotNegative().isLessThan(scramForAll);
    }

    private static int indexOf(List<String[]> rules, String type, String database, String user) {
        for (int i = 0; i < rules.size(); i++) {
            String[] r = rules.get(i);
            if (r[0].equals(type) && r[1].equals(database) && r[2].equals(user)) {
                return i;
            }
        }
        return -1;
    }
}

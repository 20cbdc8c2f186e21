package dev.xenon.operator.customresource;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What the control plane asks for; see {@link Compute}. A mutable bean: Jackson and the CRD generator read it. */
public class ComputeSpec {

    @Required
    @Pattern("^[0-9a-f]{32}$")
    @JsonPropertyDescription("The project's tenant on the storage node (32 hex digits).")
    private String tenantId;

    @Required
    @Pattern("^[0-9a-f]{32}$")
    @JsonPropertyDescription("The branch's timeline (32 hex digits).")
    private String timelineId;

    @Required
    @JsonPropertyDescription("The endpoint (ep-...) this compute serves; one compute per endpoint.")
    private String endpointId;

    @Required
    @Min(14)
    @Max(17)
    @JsonPropertyDescription("Major version of Postgres the timeline was bootstrapped with.")
    private int pgVersion;

    @JsonPropertyDescription("The Postgres image of the main container; empty: postgres:<pgVersion>.")
    private String image;

    @Min(0.25)
    @Max(64)
    @Default("1")
    @JsonPropertyDescription(
            "Size in compute units: 1 CU is 1 CPU and 4 GiB of memory (requests and limits of the Postgres container).")
    private double computeUnits = 1;

    @Required
    @Pattern("^[0-9A-F]{1,8}/[0-9A-F]{1,8}$")
    @JsonPropertyDescription("LSN (X/X) the data directory is restored at: the start the control plane elected.")
    private String startLsn;

    @Required
    @Min(1)
    @JsonPropertyDescription("The WAL nodes' term this compute was elected with; a new term means a new pod.")
    private long term;

    @Required
    @JsonPropertyDescription("Base URL of the storage node's HTTP API, where the basebackup comes from.")
    private String storageNodeUrl;

    @Required
    @JsonPropertyDescription(
            "The WAL nodes acknowledging commits (synchronous_standby_names = ANY majority of the names).")
    private List<WalNode> walNodes = new ArrayList<>();

    @JsonPropertyDescription("Extra postgresql.conf settings of the endpoint (not the ones the platform manages).")
    private Map<String, String> settings = new LinkedHashMap<>();

    @JsonPropertyDescription(
            "A Secret of this namespace with key roles.sql: SQL run once Postgres accepts connections, as cloud_admin"
                    + " over the pod's Unix socket (the platform's roles and their SCRAM verifiers).")
    private String credentialsSecret;

    @JsonPropertyDescription("true: no pod runs (the endpoint is suspended); the service and this resource stay.")
    private boolean suspended;

    /** A WAL node: its name (the application_name it replicates under) and its HTTP address. */
    public static class WalNode {

        @Required
        @JsonPropertyDescription("The node's name: its application_name in synchronous_standby_names.")
        private String name;

        @JsonPropertyDescription("The node's HTTP API (informational: the WAL nodes connect to the compute).")
        private String address;

        public WalNode() {}

        public WalNode(String name, String address) {
            this.name = name;
            this.address = address;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getAddress() {
            return address;
        }

        public void setAddress(String address) {
            this.address = address;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof WalNode other
                    && Objects.equals(name, other.name)
                    && Objects.equals(address, other.address);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, address);
        }
    }

    public String getTenantId() {
        return tenantId;
    }

    public void setTenantId(String tenantId) {
        this.tenantId = tenantId;
    }

    public String getTimelineId() {
        return timelineId;
    }

    public void setTimelineId(String timelineId) {
        this.timelineId = timelineId;
    }

    public String getEndpointId() {
        return endpointId;
    }

    public void setEndpointId(String endpointId) {
        this.endpointId = endpointId;
    }

    public int getPgVersion() {
        return pgVersion;
    }

    public void setPgVersion(int pgVersion) {
        this.pgVersion = pgVersion;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public double getComputeUnits() {
        return computeUnits;
    }

    public void setComputeUnits(double computeUnits) {
        this.computeUnits = computeUnits;
    }

    public String getStartLsn() {
        return startLsn;
    }

    public void setStartLsn(String startLsn) {
        this.startLsn = startLsn;
    }

    public long getTerm() {
        return term;
    }

    public void setTerm(long term) {
        this.term = term;
    }

    public String getStorageNodeUrl() {
        return storageNodeUrl;
    }

    public void setStorageNodeUrl(String storageNodeUrl) {
        this.storageNodeUrl = storageNodeUrl;
    }

    public List<WalNode> getWalNodes() {
        return walNodes;
    }

    public void setWalNodes(List<WalNode> walNodes) {
        this.walNodes = walNodes == null ? new ArrayList<>() : walNodes;
    }

    public Map<String, String> getSettings() {
        return settings;
    }

    public void setSettings(Map<String, String> settings) {
        this.settings = settings == null ? new LinkedHashMap<>() : settings;
    }

    public String getCredentialsSecret() {
        return credentialsSecret;
    }

    public void setCredentialsSecret(String credentialsSecret) {
        this.credentialsSecret = credentialsSecret;
    }

    public boolean isSuspended() {
        return suspended;
    }

    public void setSuspended(boolean suspended) {
        this.suspended = suspended;
    }
}

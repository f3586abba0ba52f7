package io.promethium.discovery.oci.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OCI's developer-tool configuration file as OCI's Go SDK (which Prometheus's
 * {@code discovery/oci} uses) reads it ({@code common/common.go}: {@code
 * readAndParseDeveloperToolConfigurationFile}, {@code setRegionMetadataFromDeveloperToolConfigurationFile},
 * {@code StringToRegion}, {@code getOciSdkEnabledServicesMap}): {@code
 * ~/.oci/developer-tool-configuration.json} or the file {@code
 * OCI_DEVELOPER_TOOL_CONFIGURATION_FILE_PATH} names, a JSON object with {@code provider},
 * {@code regions} (region objects, consulted before {@code regions-config.json}) and {@code
 * services} (the only services clients may be built for); with {@code
 * OCI_ALLOW_ONLY_DEVELOPER_TOOL_CONFIGURATION_REGIONS=true} its regions are the only ones.
 */
class OciDeveloperToolTest {

    private static final String REGION = "{\"realmKey\":\"OC99\",\"realmDomainComponent\":\"example-cloud.com\",\"regionKey\":\"EXA\","
            + "\"regionIdentifier\":\"xx-example-1\"}";

    @TempDir
    Path home;

    private final Map<String, String> env = new HashMap<>();

    private Path developerTool(String json) throws Exception {
        Files.createDirectories(home.resolve(".oci"));
        Path file = home.resolve(".oci/developer-tool-configuration.json");
        Files.writeString(file, json);
        return file;
    }

    private OciRegions.Region resolve(String name) throws Exception {
        return new OciRegions(env::get, home).resolve(name, null);
    }

    private String iaas(String name) throws Exception {
        OciRegions regions = new OciRegions(env::get, home);
        URI[] roots = regions.roots(regions.resolve(name, null));
        return roots[1].toString();
    }

    @Test
    void aRegionOfTheFileResolvesByIdentifierOrKeyInItsRealm() throws Exception {
        developerTool("{\"provider\": \"Example\", \"regions\": [" + REGION + "]}");
        assertThat(iaas("xx-example-1")).isEqualTo("https://iaas.xx-example-1.example-cloud.com");
        assertThat(iaas("exa")).isEqualTo("https://iaas.xx-example-1.example-cloud.com");
        assertThat(resolve("xx-example-1").warning()).isNull();
        assertThat(iaas("us-ashburn-1")).as("OCI's own regions stay").isEqualTo("https://iaas.us-ashburn-1.oraclecloud.com");
        assertThat(iaas("iad")).isEqualTo("https://iaas.us-ashburn-1.oraclecloud.com");
    }

    @Test
    void theVariableNamesAnotherFileAndTheFileComesBeforeRegionsConfig() throws Exception {
        Path other = home.resolve("elsewhere.json");
        Files.writeString(other, "{\"regions\": [" + REGION.replace("example-cloud.com", "other-cloud.com") + "]}");
        developerTool("{\"regions\": [" + REGION + "]}");
        Files.writeString(home.resolve(".oci/regions-config.json"), "[" + REGION.replace("example-cloud.com", "regions-config.com") + "]");
        assertThat(iaas("xx-example-1")).isEqualTo("https://iaas.xx-example-1.example-cloud.com");
        env.put(OciRegions.DEVELOPER_TOOL_VARIABLE, other.toString());
        assertThat(iaas("xx-example-1")).isEqualTo("https://iaas.xx-example-1.other-cloud.com");
        env.put(OciRegions.DEVELOPER_TOOL_VARIABLE, home.resolve("missing.json").toString());
        assertThat(iaas("xx-example-1")).as("no such file: regions-config.json settles it")
                .isEqualTo("https://iaas.xx-example-1.regions-config.com");
        env.put(OciRegions.DEVELOPER_TOOL_VARIABLE, "");
        assertThat(iaas("xx-example-1")).as("an empty variable is unset").isEqualTo("https://iaas.xx-example-1.example-cloud.com");
    }

    @Test
    void allowingOnlyTheFilesRegionsLeavesOtherNamesAsWrittenWithTheSdksWarning() throws Exception {
        developerTool("{\"provider\": \"Example\", \"regions\": [" + REGION + "]}");
        env.put(OciRegions.ALLOW_ONLY_VARIABLE, "true");
        assertThat(iaas("exa")).isEqualTo("https://iaas.xx-example-1.example-cloud.com");
        OciRegions.Region ashburn = resolve("US-Ashburn-1");
        assertThat(ashburn.name()).as("not lower-cased, not looked up in OCI's table").isEqualTo("US-Ashburn-1");
        assertThat(ashburn.domain()).isEqualTo("oraclecloud.com");
        assertThat(ashburn.warning()).isEqualTo("You're using the Example Developer Tool configuration file, the region you're targeting is "
                + "not declared in this config file. Please check if this is the correct region you're targeting or contact the Example "
                + "cloud provider for help. If you want to target both OCI regions and us-ashburn-1 regions, please set the "
                + "OCI_ALLOW_ONLY_DEVELOPER_TOOL_CONFIGURATION_REGIONS env var to False.");
        assertThat(iaas("iad")).as("a key of OCI's table is no region then").isEqualTo("https://iaas.iad.oraclecloud.com");
        developerTool("{\"regions\": [" + REGION + ", " + REGION.replace("OC99", "oc1").replace("example-cloud.com", "oc1-domain.com")
                .replace("EXA", "EXB").replace("xx-example-1", "xx-example-2") + "]}");
        assertThat(resolve("nowhere-1").domain()).as("an unknown region takes the file's oc1 domain").isEqualTo("oc1-domain.com");
        env.put("OCI_DEFAULT_REALM", "default-realm.com");
        assertThat(resolve("nowhere-1").domain()).isEqualTo("default-realm.com");
    }

    @Test
    void allowOnlyIsExactlyTrueAndWithoutAFileNothingChanges() throws Exception {
        env.put(OciRegions.ALLOW_ONLY_VARIABLE, "true");
        assertThat(iaas("iad")).isEqualTo("https://iaas.us-ashburn-1.oraclecloud.com");
        developerTool("{\"regions\": [" + REGION + "]}");
        env.put(OciRegions.ALLOW_ONLY_VARIABLE, "TRUE");
        assertThat(iaas("iad")).as("the SDK compares with \"true\" exactly here").isEqualTo("https://iaas.us-ashburn-1.oraclecloud.com");
        assertThat(iaas("exa")).isEqualTo("https://iaas.xx-example-1.example-cloud.com");
    }

    @Test
    void theServicesListedAreTheOnlyOnesAClientIsBuiltFor() throws Exception {
        OciRegions regions = new OciRegions(env::get, home);
        regions.requireServices(true);
        Path file = developerTool("{\"services\": [\"Core\"]}");
        regions.requireServices(false);
        assertThatThrownBy(() -> regions.requireServices(true)).hasMessage("oci_sd: failed to create compartment lister: creating OCI "
                + "identity client: " + OciRegions.SERVICE_DISABLED + " (" + file + " lists [core])");
        developerTool("{\"services\": [\"identity\"]}");
        assertThatThrownBy(() -> regions.requireServices(true)).hasMessageStartingWith("oci_sd: failed to create clients: creating OCI "
                + "compute client: the Developer Tool configuration disabled this service");
        developerTool("{\"services\": [\"IDENTITY\", \"co-re\"]}");
        regions.requireServices(true);
        developerTool("{\"services\": []}");
        regions.requireServices(true);
    }

    @Test
    void aFileNotShapedAsTheSdkReadsItIsAnErrorNamingIt() throws Exception {
        Path file = developerTool("[]");
        assertThatThrownBy(() -> resolve("us-ashburn-1")).hasMessage("OCI developer tool configuration file \"" + file + "\": not a JSON object");
        developerTool("{\"regions\": {}}");
        assertThatThrownBy(() -> resolve("xx-1")).hasMessage("OCI developer tool configuration file \"" + file
                + "\": regions is not a JSON array of region objects");
        developerTool("{\"regions\": [" + REGION + ", {\"regionKey\": \"a\"}]}");
        assertThatThrownBy(() -> resolve("xx-1")).hasMessageStartingWith("OCI developer tool configuration file \"" + file
                + "\", regions element 2: regionIdentifier is missing");
        developerTool("{\"services\": [1]}");
        assertThatThrownBy(() -> resolve("xx-1")).hasMessage("OCI developer tool configuration file \"" + file
                + "\", services element 1: not a string");
        developerTool("{\"provider\": 1}");
        assertThatThrownBy(() -> resolve("xx-1")).hasMessage("OCI developer tool configuration file \"" + file + "\": provider is not a string");
        developerTool("{\"regions\": [}");
        assertThatThrownBy(() -> resolve("xx-1")).hasMessageStartingWith("OCI developer tool configuration file \"" + file + "\": not valid JSON");
    }
}

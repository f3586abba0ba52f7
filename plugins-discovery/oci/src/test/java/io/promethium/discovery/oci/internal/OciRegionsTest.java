package io.promethium.discovery.oci.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regions and API roots as OCI's Go SDK resolves and forms them (the expected hosts are those of
 * the SDK's own endpoint tests; the region metadata objects are shaped as in its tests of
 * {@code OCI_REGION_METADATA} and {@code ~/.oci/regions-config.json}).
 */
class OciRegionsTest {

    private static final Function<String, String> NO_ENV = name -> null;
    private static final String NEW_REGION = "{\"realmKey\":\"OC0\",\"realmDomainComponent\":\"testRealm.com\",\"regionKey\":\"RTK\","
            + "\"regionIdentifier\":\"us-testregion-1\"}";

    @TempDir
    Path home;

    private List<String> roots(String region, Function<String, String> env) throws Exception {
        return roots(region, env, null);
    }

    private List<String> roots(String region, Function<String, String> env, OciRegions.RegionInfo imds) throws Exception {
        OciRegions regions = new OciRegions(env, home);
        return Arrays.stream(regions.roots(regions.resolve(region, imds))).map(URI::toString).toList();
    }

    private void regionsConfig(String json) throws Exception {
        Files.createDirectories(home.resolve(".oci"));
        Files.writeString(home.resolve(".oci/regions-config.json"), json);
    }

    @Test
    void commercialRegionsAreInOraclecloudCom() throws Exception {
        assertThat(roots("us-ashburn-1", NO_ENV)).containsExactly("https://identity.us-ashburn-1.oci.oraclecloud.com",
                "https://iaas.us-ashburn-1.oraclecloud.com", "https://auth.us-ashburn-1.oraclecloud.com");
    }

    @Test
    void governmentRegionsAreInTheirRealmsDomain() throws Exception {
        assertThat(roots("us-langley-1", NO_ENV)).containsExactly("https://identity.us-langley-1.oci.oraclegovcloud.com",
                "https://iaas.us-langley-1.oraclegovcloud.com", "https://auth.us-langley-1.oraclegovcloud.com");
        assertThat(roots("us-gov-ashburn-1", NO_ENV).get(1)).isEqualTo("https://iaas.us-gov-ashburn-1.oraclegovcloud.com");
        assertThat(roots("uk-gov-london-1", NO_ENV).get(0)).isEqualTo("https://identity.uk-gov-london-1.oci.oraclegovcloud.uk");
        assertThat(roots("ap-chiyoda-1", NO_ENV).get(1)).isEqualTo("https://iaas.ap-chiyoda-1.oraclecloud8.com");
        assertThat(roots("eu-frankfurt-2", NO_ENV).get(1)).isEqualTo("https://iaas.eu-frankfurt-2.oraclecloud.eu");
    }

    @Test
    void aRegionKeyOrUpperCaseNameStandsForItsRegion() throws Exception {
        assertThat(roots("RIC", NO_ENV).get(1)).isEqualTo("https://iaas.us-gov-ashburn-1.oraclegovcloud.com");
        assertThat(roots("iad", NO_ENV).get(1)).isEqualTo("https://iaas.us-ashburn-1.oraclecloud.com");
        assertThat(roots("US-Phoenix-1", NO_ENV).get(0)).isEqualTo("https://identity.us-phoenix-1.oci.oraclecloud.com");
    }

    @Test
    void anUnknownRegionTakesOciDefaultRealmElseTheCommercialRealm() throws Exception {
        assertThat(roots("xx-nowhere-1", NO_ENV)).containsExactly("https://identity.xx-nowhere-1.oci.oraclecloud.com",
                "https://iaas.xx-nowhere-1.oraclecloud.com", "https://auth.xx-nowhere-1.oraclecloud.com");
        Map<String, String> env = Map.of("OCI_DEFAULT_REALM", "example-realm.com");
        assertThat(roots("xx-nowhere-1", env::get)).containsExactly("https://identity.xx-nowhere-1.oci.example-realm.com",
                "https://iaas.xx-nowhere-1.example-realm.com", "https://auth.xx-nowhere-1.example-realm.com");
        // A known region ignores it.
        assertThat(roots("us-luke-1", env::get).get(1)).isEqualTo("https://iaas.us-luke-1.oraclegovcloud.com");
    }

    @Test
    void aDottedRegionIsAHostSuffixAndDualStackIsOptIn() throws Exception {
        assertThat(roots("region.example.com", NO_ENV)).containsExactly("https://identity.region.example.com",
                "https://iaas.region.example.com", "https://auth.region.example.com");
        assertThat(roots("us-ashburn-1", Map.of("OCI_DUAL_STACK_ENDPOINT_ENABLED", "TRUE")::get).get(1))
                .isEqualTo("https://iaas.us-ashburn-1.ds.oci.oraclecloud.com");
    }

    @Test
    void theRegionMetadataVariableDefinesARegionByIdentifierOrKey() throws Exception {
        Map<String, String> env = Map.of("OCI_REGION_METADATA", NEW_REGION);
        assertThat(roots("us-testregion-1", env::get)).containsExactly("https://identity.us-testregion-1.oci.testrealm.com",
                "https://iaas.us-testregion-1.testrealm.com", "https://auth.us-testregion-1.testrealm.com");
        assertThat(roots("rtk", env::get).get(1)).isEqualTo("https://iaas.us-testregion-1.testrealm.com");
        // As the SDK, the name as written is compared with the lower-cased object.
        assertThat(roots("RTK", env::get).get(1)).isEqualTo("https://iaas.RTK.oraclecloud.com");
    }

    @Test
    void theRegionsConfigFileComesBeforeTheVariableAndTheTableBeforeBoth() throws Exception {
        regionsConfig("[" + NEW_REGION.replace("testRealm.com", "fromfile.com") + ", {\"realmKey\":\"oc98\",\"realmDomainComponent\":"
                + "\"other.com\",\"regionKey\":\"IAD\",\"regionIdentifier\":\"us-ashburn-1\"}]");
        Map<String, String> env = Map.of("OCI_REGION_METADATA", NEW_REGION);
        assertThat(roots("us-testregion-1", env::get).get(1)).isEqualTo("https://iaas.us-testregion-1.fromfile.com");
        assertThat(roots("rtk", NO_ENV).get(1)).isEqualTo("https://iaas.us-testregion-1.fromfile.com");
        assertThat(roots("us-ashburn-1", NO_ENV).get(1)).isEqualTo("https://iaas.us-ashburn-1.oraclecloud.com");
    }

    @Test
    void theMetadataServicesRegionInfoComesLast() throws Exception {
        OciRegions.RegionInfo imds = () -> NEW_REGION.replace("testRealm.com", "fromimds.com").replace("RTK", "XYZ")
                .replace("us-testregion-1", "xx-imds-1");
        assertThat(roots("xyz", NO_ENV, imds).get(1)).isEqualTo("https://iaas.xx-imds-1.fromimds.com");
        assertThat(roots("rtk", Map.of("OCI_REGION_METADATA", NEW_REGION)::get, () -> {
            throw new AssertionError("the variable settles it");
        }).get(1)).isEqualTo("https://iaas.us-testregion-1.testrealm.com");
        // No answer (the provider warned): the unknown-region rule.
        assertThat(roots("xyz", NO_ENV, () -> null).get(1)).isEqualTo("https://iaas.xyz.oraclecloud.com");
    }

    @Test
    void badRegionMetadataIsAnErrorNamingItsSourceButOnlyWhenItIsConsulted() throws Exception {
        assertThatThrownBy(() -> roots("xx-new-1", Map.of("OCI_REGION_METADATA", "\"test\": \"test\"")::get))
                .hasMessageStartingWith("OCI_REGION_METADATA: not valid JSON");
        assertThatThrownBy(() -> roots("xx-new-1", Map.of("OCI_REGION_METADATA", "[]")::get))
                .hasMessage("OCI_REGION_METADATA: not a JSON object");
        assertThatThrownBy(() -> roots("xx-new-1", Map.of("OCI_REGION_METADATA", NEW_REGION.replace("\"OC0\"", "\"\""))::get))
                .hasMessageStartingWith("OCI_REGION_METADATA: realmKey is missing or empty");
        assertThat(roots("us-ashburn-1", Map.of("OCI_REGION_METADATA", "{")::get)).hasSize(3);
        regionsConfig(NEW_REGION);
        Path file = home.resolve(".oci/regions-config.json");
        assertThatThrownBy(() -> roots("xx-new-1", NO_ENV)).hasMessage("OCI region metadata file \"" + file
                + "\": not a JSON array of region objects");
        regionsConfig("[" + NEW_REGION + ", {\"regionKey\": 1}]");
        assertThatThrownBy(() -> roots("xx-new-1", NO_ENV)).hasMessageStartingWith("OCI region metadata file \"" + file
                + "\", element 2: regionIdentifier is missing");
        regionsConfig("[{");
        assertThatThrownBy(() -> roots("xx-new-1", NO_ENV)).hasMessageStartingWith("OCI region metadata file \"" + file + "\": not valid JSON");
        Files.delete(file);
        assertThatThrownBy(() -> roots("xyz", NO_ENV, () -> "<html>")).hasMessageStartingWith(
                "the instance metadata service's /instance/regionInfo: not valid JSON");
    }
}

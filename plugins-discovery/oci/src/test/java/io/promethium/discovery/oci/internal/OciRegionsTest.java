package io.promethium.discovery.oci.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** API roots per region as OCI's Go SDK forms them (the expected hosts are those of the SDK's own endpoint tests). */
class OciRegionsTest {

    private static final Function<String, String> NO_ENV = name -> null;

    private static List<String> roots(String region, Function<String, String> env) {
        return Arrays.stream(OciRegions.endpoints(region, env)).map(URI::toString).toList();
    }

    @Test
    void commercialRegionsAreInOraclecloudCom() {
        assertThat(roots("us-ashburn-1", NO_ENV)).containsExactly("https://identity.us-ashburn-1.oci.oraclecloud.com",
                "https://iaas.us-ashburn-1.oraclecloud.com", "https://auth.us-ashburn-1.oraclecloud.com");
    }

    @Test
    void governmentRegionsAreInTheirRealmsDomain() {
        assertThat(roots("us-langley-1", NO_ENV)).containsExactly("https://identity.us-langley-1.oci.oraclegovcloud.com",
                "https://iaas.us-langley-1.oraclegovcloud.com", "https://auth.us-langley-1.oraclegovcloud.com");
        assertThat(roots("us-gov-ashburn-1", NO_ENV).get(1)).isEqualTo("https://iaas.us-gov-ashburn-1.oraclegovcloud.com");
        assertThat(roots("uk-gov-london-1", NO_ENV).get(0)).isEqualTo("https://identity.uk-gov-london-1.oci.oraclegovcloud.uk");
        assertThat(roots("ap-chiyoda-1", NO_ENV).get(1)).isEqualTo("https://iaas.ap-chiyoda-1.oraclecloud8.com");
        assertThat(roots("eu-frankfurt-2", NO_ENV).get(1)).isEqualTo("https://iaas.eu-frankfurt-2.oraclecloud.eu");
    }

    @Test
    void aRegionKeyOrUpperCaseNameStandsForItsRegion() {
        assertThat(roots("RIC", NO_ENV).get(1)).isEqualTo("https://iaas.us-gov-ashburn-1.oraclegovcloud.com");
        assertThat(roots("iad", NO_ENV).get(1)).isEqualTo("https://iaas.us-ashburn-1.oraclecloud.com");
        assertThat(roots("US-Phoenix-1", NO_ENV).get(0)).isEqualTo("https://identity.us-phoenix-1.oci.oraclecloud.com");
    }

    @Test
    void anUnknownRegionTakesOciDefaultRealmElseTheCommercialRealm() {
        assertThat(roots("xx-nowhere-1", NO_ENV)).containsExactly("https://identity.xx-nowhere-1.oci.oraclecloud.com",
                "https://iaas.xx-nowhere-1.oraclecloud.com", "https://auth.xx-nowhere-1.oraclecloud.com");
        Map<String, String> env = Map.of("OCI_DEFAULT_REALM", "example-realm.com");
        assertThat(roots("xx-nowhere-1", env::get)).containsExactly("https://identity.xx-nowhere-1.oci.example-realm.com",
                "https://iaas.xx-nowhere-1.example-realm.com", "https://auth.xx-nowhere-1.example-realm.com");
        // A known region ignores it.
        assertThat(roots("us-luke-1", env::get).get(1)).isEqualTo("https://iaas.us-luke-1.oraclegovcloud.com");
    }

    @Test
    void aDottedRegionIsAHostSuffixAndDualStackIsOptIn() {
        assertThat(roots("region.example.com", NO_ENV)).containsExactly("https://identity.region.example.com",
                "https://iaas.region.example.com", "https://auth.region.example.com");
        assertThat(roots("us-ashburn-1", Map.of("OCI_DUAL_STACK_ENDPOINT_ENABLED", "TRUE")::get).get(1))
                .isEqualTo("https://iaas.us-ashburn-1.ds.oci.oraclecloud.com");
    }
}

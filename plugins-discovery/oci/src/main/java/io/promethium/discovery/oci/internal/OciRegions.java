package io.promethium.discovery.oci.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * OCI's regions and realms as OCI's Go SDK (which Prometheus's {@code discovery/oci} uses) maps
 * them: the table is the SDK's {@code common/regions.json} (region identifier, three-letter key,
 * realm key, the realm's second-level domain: {@code oc1} {@code oraclecloud.com}, {@code oc2} and
 * {@code oc3} {@code oraclegovcloud.com}, {@code oc4} {@code oraclegovcloud.uk}, ...), shipped as a
 * resource with its licence. Names as the SDK's {@code StringToRegion}: lower-cased, a region key
 * ({@code iad}) stands for its region; a name not in the table is kept as written. API roots as the
 * SDK's clients form them: {@code https://identity.<region>.oci.<domain>},
 * {@code https://iaas.<region>.<domain>} ({@code .ds.oci.<domain>} when
 * {@code OCI_DUAL_STACK_ENDPOINT_ENABLED} is {@code true}), {@code https://auth.<region>.<domain>};
 * a region with a dot is a host suffix ({@code https://identity.<region>}). A region in no realm
 * takes {@code OCI_DEFAULT_REALM} (the domain, when set), else {@code oc1}'s. The SDK's other
 * sources of region metadata (the {@code OCI_REGION_METADATA} variable, {@code ~/.oci} files, the
 * instance metadata service's region info) are not read.
 */
final class OciRegions {

    /** A region's realm key and second-level domain. */
    record Realm(String key, String domain) {
    }

    private static final Map<String, Realm> REALMS;
    private static final Map<String, String> KEYS;

    static {
        Map<String, Realm> realms = new HashMap<>();
        Map<String, String> keys = new HashMap<>();
        try (InputStream in = OciRegions.class.getResourceAsStream("oci-regions/regions.json")) {
            if (in == null) {
                throw new IOException("the resource oci-regions/regions.json is missing");
            }
            for (JsonNode region : OciDiscoverer.JSON.readTree(in)) {
                String id = region.get("regionIdentifier").asText().toLowerCase(Locale.ROOT);
                realms.put(id, new Realm(region.get("realmKey").asText().toLowerCase(Locale.ROOT),
                        region.get("realmDomainComponent").asText().toLowerCase(Locale.ROOT)));
                keys.put(region.get("regionKey").asText().toLowerCase(Locale.ROOT), id);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading OCI's region table: " + e.getMessage(), e);
        }
        REALMS = Map.copyOf(realms);
        KEYS = Map.copyOf(keys);
    }

    private OciRegions() {
    }

    /** The region a configured name stands for, as the SDK's {@code StringToRegion}. */
    static String region(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        String byKey = KEYS.get(lower);
        if (byKey != null) {
            return byKey;
        }
        return REALMS.containsKey(lower) ? lower : name;
    }

    /** The region's second-level domain, as the SDK's {@code Region.SecondLevelDomain}. */
    static String secondLevelDomain(String region, Function<String, String> env) {
        Realm realm = REALMS.get(region);
        if (realm != null) {
            return realm.domain();
        }
        String fallback = env.apply("OCI_DEFAULT_REALM");
        return fallback != null ? fallback : "oraclecloud.com";
    }

    /**
     * The Identity, Core (iaas) and Auth (federation) API roots of a configured region name, as the
     * SDK's {@code IdentityClient}, {@code ComputeClient}/{@code VirtualNetworkClient} and
     * {@code x509FederationClient} form them.
     */
    static URI[] endpoints(String name, Function<String, String> env) {
        String region = region(name);
        if (region.contains(".")) {
            return new URI[] {URI.create("https://identity." + region), URI.create("https://iaas." + region),
                    URI.create("https://auth." + region)};
        }
        String domain = secondLevelDomain(region, env);
        String dualStack = env.apply("OCI_DUAL_STACK_ENDPOINT_ENABLED");
        boolean ds = dualStack != null && dualStack.toLowerCase(Locale.ROOT).equals("true");
        return new URI[] {URI.create("https://identity." + region + ".oci." + domain),
                URI.create("https://iaas." + region + "." + (ds ? "ds.oci." : "") + domain),
                URI.create("https://auth." + region + "." + domain)};
    }
}

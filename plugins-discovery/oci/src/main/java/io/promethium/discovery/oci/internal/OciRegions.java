package io.promethium.discovery.oci.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * OCI's regions and realms as OCI's Go SDK (which Prometheus's {@code discovery/oci} uses) maps
 * them. The table is the SDK's {@code common/regions.json} (region identifier, three-letter key,
 * realm key, the realm's second-level domain: {@code oc1} {@code oraclecloud.com}, {@code oc2} and
 * {@code oc3} {@code oraclegovcloud.com}, {@code oc4} {@code oraclegovcloud.uk}, ...), shipped as a
 * resource with its licence. Names as the SDK's {@code StringToRegion}: lower-cased, a region key
 * ({@code iad}) stands for its region. A name in neither column is looked up, as the SDK's
 * {@code checkAndAddRegionMetadata} does, in the developer-tool configuration file's {@code regions}
 * ({@link #developerTool}; with {@code OCI_ALLOW_ONLY_DEVELOPER_TOOL_CONFIGURATION_REGIONS=true} they
 * are the only regions), then in {@code ~/.oci/regions-config.json} (an array of region
 * objects), then in the {@code OCI_REGION_METADATA} variable (one region object), then (instance
 * principals only) in the instance metadata service's {@code /instance/regionInfo}; each object has
 * {@code regionKey}, {@code regionIdentifier}, {@code realmKey} and {@code realmDomainComponent}
 * (lower-cased), the first source with an object whose key or identifier is the name as written
 * settles it, and every object read joins the table as the SDK adds it (a new identifier only; its
 * realm's domain set by the last object naming the realm). A name still unknown is kept as written.
 * Unlike the SDK, which skips it silently, a source that is not JSON of that shape, or an object
 * missing a field, is an error naming the source. API roots as the SDK's clients form them:
 * {@code https://identity.<region>.oci.<domain>}, {@code https://iaas.<region>.<domain>}
 * ({@code .ds.oci.<domain>} when {@code OCI_DUAL_STACK_ENDPOINT_ENABLED} is {@code true}),
 * {@code https://auth.<region>.<domain>}; a region with a dot is a host suffix
 * ({@code https://identity.<region>}). A region in no realm takes {@code OCI_DEFAULT_REALM} (the
 * domain, when set), else {@code oc1}'s. The SDK reads its sources once per process; here each
 * discoverer reads them when it first resolves its region, so a config reload reads them again.
 */
final class OciRegions {

    /** The variable holding one region object, as the SDK names it. */
    static final String METADATA_VARIABLE = "OCI_REGION_METADATA";
    /** The variable naming the developer-tool configuration file in place of {@code ~/.oci/developer-tool-configuration.json}. */
    static final String DEVELOPER_TOOL_VARIABLE = "OCI_DEVELOPER_TOOL_CONFIGURATION_FILE_PATH";
    /** The variable that, {@code true}, limits regions to the developer-tool configuration file's. */
    static final String ALLOW_ONLY_VARIABLE = "OCI_ALLOW_ONLY_DEVELOPER_TOOL_CONFIGURATION_REGIONS";
    /** The SDK's message when a client's service is not in the developer-tool configuration file's {@code services}. */
    static final String SERVICE_DISABLED = "the Developer Tool configuration disabled this service, this behavior is controlled by "
            + "OciSdkEnabledServicesMap variables. Please check if your local developer-tool-configuration.json file configured the "
            + "service you're targeting or contact the cloud provider on the availability of this service";

    /**
     * The developer-tool configuration file (an OCI distribution's own regions and services):
     * its {@code provider} name, region objects and enabled services (lower-cased, non-word
     * characters removed, as the SDK normalises them; none listed is all enabled).
     */
    record DeveloperTool(Path file, String provider, List<Map<String, String>> regions, Set<String> services) {
    }
    private static final String[] FIELDS = {"regionIdentifier", "regionKey", "realmKey", "realmDomainComponent"};

    /**
     * A resolved region: its identifier (or the name as written) and its realm's second-level
     * domain; {@code warning}, when not null, the SDK's message for a region the developer-tool
     * configuration file does not declare while only its regions are allowed.
     */
    record Region(String name, String domain, String warning) {
        Region(String name, String domain) {
            this(name, domain, null);
        }
    }

    /** The instance metadata service's {@code /instance/regionInfo} answer. */
    @FunctionalInterface
    interface RegionInfo {
        String json() throws IOException, InterruptedException;
    }

    /**
     * The SDK's table: region identifier to realm key, realm key to domain, region key to
     * identifier. Read when a discoverer first resolves a region, not when the plugin's factory is
     * made: every command-line tool makes all factories, and reading the table (Jackson's start
     * included) was the largest part of {@code check config}'s own time.
     */
    private record Table(Map<String, String> realmOf, Map<String, String> domains, Map<String, String> keys) {
        static final Table SHIPPED = read();

        private static Table read() {
            Map<String, String> realmOf = new HashMap<>();
            Map<String, String> domains = new HashMap<>();
            Map<String, String> keys = new HashMap<>();
            try (InputStream in = OciRegions.class.getResourceAsStream("oci-regions/regions.json")) {
                if (in == null) {
                    throw new IOException("the resource oci-regions/regions.json is missing");
                }
                for (JsonNode region : OciDiscoverer.JSON.readTree(in)) {
                    String id = region.get("regionIdentifier").asText().toLowerCase(Locale.ROOT);
                    String realm = region.get("realmKey").asText().toLowerCase(Locale.ROOT);
                    realmOf.put(id, realm);
                    domains.put(realm, region.get("realmDomainComponent").asText().toLowerCase(Locale.ROOT));
                    keys.put(region.get("regionKey").asText().toLowerCase(Locale.ROOT), id);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading OCI's region table: " + e.getMessage(), e);
            }
            return new Table(Map.copyOf(realmOf), Map.copyOf(domains), Map.copyOf(keys));
        }
    }

    private final Function<String, String> env;
    private final Path home;

    /**
     * @param env  the environment ({@code System::getenv}; tests give a map's)
     * @param home the home directory holding {@code .oci/regions-config.json} (the SDK takes the
     *             user's home directory, as the JDK's {@code user.home})
     */
    OciRegions(Function<String, String> env, Path home) {
        this.env = Objects.requireNonNull(env, "env is null");
        this.home = Objects.requireNonNull(home, "home is null");
    }

    /** The process's environment and home directory. */
    static OciRegions system() {
        return new OciRegions(System::getenv, Path.of(System.getProperty("user.home")));
    }

    /**
     * The region a name stands for, as the SDK's {@code StringToRegion}, and its domain.
     *
     * @param imds the metadata service's region info, or {@code null} where it is not consulted ({@code api_key})
     */
    Region resolve(String name, RegionInfo imds) throws IOException, InterruptedException {
        DeveloperTool developerTool = developerTool();
        String allowOnly = env.apply(ALLOW_ONLY_VARIABLE);
        // The SDK tests the variable two ways: exactly "true" to allow only the file's regions, any case of "true" to
        // replace its table with them when it reads the file.
        boolean replaceTable = allowOnly != null && allowOnly.toLowerCase(Locale.ROOT).equals("true");
        if ("true".equals(allowOnly) && developerTool != null) {
            Map<String, String> realmOf = new HashMap<>();
            Map<String, String> domains = new HashMap<>();
            String matched = add(name, developerTool.regions(), realmOf, domains);
            // As the SDK's StringToRegion here: the name as written (not lower-cased) when the file does not declare it.
            String region = matched == null ? name : matched;
            String warning = realmOf.containsKey(region) ? null : "You're using the " + developerTool.provider() + " Developer Tool "
                    + "configuration file, the region you're targeting is not declared in this config file. Please check if this is the "
                    + "correct region you're targeting or contact the " + developerTool.provider() + " cloud provider for help. If you "
                    + "want to target both OCI regions and " + name.toLowerCase(Locale.ROOT) + " regions, please set the "
                    + ALLOW_ONLY_VARIABLE + " env var to False.";
            return new Region(region, domain(region, realmOf, domains), warning);
        }
        Table table = Table.SHIPPED;
        String lower = name.toLowerCase(Locale.ROOT);
        String byKey = table.keys().get(lower);
        if (byKey != null) {
            return new Region(byKey, table.domains().get(table.realmOf().get(byKey)));
        }
        if (table.realmOf().containsKey(lower)) {
            return new Region(lower, table.domains().get(table.realmOf().get(lower)));
        }
        Map<String, String> realmOf = new HashMap<>(table.realmOf());
        Map<String, String> domains = new HashMap<>(table.domains());
        String region = null;
        if (developerTool != null) {
            if (replaceTable) {
                realmOf.clear();
                domains.clear();
            }
            region = add(name, developerTool.regions(), realmOf, domains);
        }
        Path file = home.resolve(".oci").resolve("regions-config.json");
        if (region == null) {
            region = add(name, file(file), realmOf, domains);
        }
        if (region == null) {
            String variable = env.apply(METADATA_VARIABLE);
            if (variable != null) {
                region = add(name, List.of(object(parse(variable, METADATA_VARIABLE), METADATA_VARIABLE)), realmOf, domains);
            }
        }
        if (region == null && imds != null) {
            String json = imds.json();
            if (json != null) {
                String what = "the instance metadata service's /instance/regionInfo";
                region = add(name, List.of(object(parse(json, what), what)), realmOf, domains);
            }
        }
        region = region == null ? name : region;
        return new Region(region, domain(region, realmOf, domains));
    }

    /** The SDK's SecondLevelDomain: the region's realm's, else {@code OCI_DEFAULT_REALM}, else {@code oc1}'s (its table's, else oraclecloud.com). */
    private String domain(String region, Map<String, String> realmOf, Map<String, String> domains) {
        String realm = realmOf.get(region);
        String domain = realm == null ? null : domains.get(realm);
        if (domain != null) {
            return domain;
        }
        String fallback = env.apply("OCI_DEFAULT_REALM");
        return fallback != null ? fallback : domains.getOrDefault("oc1", "oraclecloud.com");
    }

    /**
     * The developer-tool configuration file as the SDK finds it ({@code OCI_DEVELOPER_TOOL_CONFIGURATION_FILE_PATH}
     * when set and not empty, as written, else {@code ~/.oci/developer-tool-configuration.json}), or {@code null}
     * when there is none. Unlike the SDK, which ignores a file it cannot read, a file that is not a JSON object
     * of that shape is an error naming it (and the element).
     */
    DeveloperTool developerTool() throws IOException {
        String path = env.apply(DEVELOPER_TOOL_VARIABLE);
        Path file = path != null && !path.isEmpty() ? Path.of(path) : home.resolve(".oci").resolve("developer-tool-configuration.json");
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new IOException("reading OCI developer tool configuration file \"" + file + "\": " + e.getMessage(), e);
        }
        String what = "OCI developer tool configuration file \"" + file + "\"";
        JsonNode tree = parse(text, what);
        if (!tree.isObject()) {
            throw new IOException(what + ": not a JSON object");
        }
        JsonNode provider = tree.get("provider");
        if (provider != null && !provider.isNull() && !provider.isTextual()) {
            throw new IOException(what + ": provider is not a string");
        }
        JsonNode allowOnly = tree.get("allowOnlyDeveloperToolConfigurationRegions");
        if (allowOnly != null && !allowOnly.isNull() && !allowOnly.isBoolean()) {
            throw new IOException(what + ": allowOnlyDeveloperToolConfigurationRegions is not a boolean");
        }
        List<Map<String, String>> regions = new ArrayList<>();
        JsonNode list = tree.get("regions");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw new IOException(what + ": regions is not a JSON array of region objects");
            }
            for (int i = 0; i < list.size(); i++) {
                regions.add(object(list.get(i), what + ", regions element " + (i + 1)));
            }
        }
        Set<String> services = new TreeSet<>();
        JsonNode names = tree.get("services");
        if (names != null && !names.isNull()) {
            if (!names.isArray()) {
                throw new IOException(what + ": services is not a JSON array of service names");
            }
            for (int i = 0; i < names.size(); i++) {
                if (!names.get(i).isTextual()) {
                    throw new IOException(what + ", services element " + (i + 1) + ": not a string");
                }
                services.add(names.get(i).asText().toLowerCase(Locale.ROOT).replaceAll("[^0-9A-Za-z_]", ""));
            }
        }
        return new DeveloperTool(file, provider == null || provider.isNull() ? "" : provider.asText(), List.copyOf(regions),
                Set.copyOf(services));
    }

    /**
     * Fails as the SDK's client constructors fail when the developer-tool configuration file lists
     * services without {@code core} (the compute and virtual network clients) or, when the
     * compartments are found by the Identity API, without {@code identity}; Prometheus's wording.
     */
    void requireServices(boolean identity) throws IOException {
        DeveloperTool developerTool = developerTool();
        if (developerTool == null || developerTool.services().isEmpty()) {
            return;
        }
        if (identity && !developerTool.services().contains("identity")) {
            throw new IOException("oci_sd: failed to create compartment lister: creating OCI identity client: " + SERVICE_DISABLED
                    + " (" + developerTool.file() + " lists " + developerTool.services() + ")");
        }
        if (!developerTool.services().contains("core")) {
            throw new IOException("oci_sd: failed to create clients: creating OCI compute client: " + SERVICE_DISABLED
                    + " (" + developerTool.file() + " lists " + developerTool.services() + ")");
        }
    }

    /** The region's Identity, Core (iaas) and Auth (federation) API roots, as the SDK's clients form them. */
    URI[] roots(Region region) {
        String name = region.name();
        if (name.contains(".")) {
            return new URI[] {URI.create("https://identity." + name), URI.create("https://iaas." + name), URI.create("https://auth." + name)};
        }
        String domain = region.domain();
        String dualStack = env.apply("OCI_DUAL_STACK_ENDPOINT_ENABLED");
        boolean ds = dualStack != null && dualStack.toLowerCase(Locale.ROOT).equals("true");
        return new URI[] {URI.create("https://identity." + name + ".oci." + domain),
                URI.create("https://iaas." + name + "." + (ds ? "ds.oci." : "") + domain),
                URI.create("https://auth." + name + "." + domain)};
    }

    /**
     * Adds the objects to the table as the SDK's {@code addRegionSchema} (a known identifier is
     * skipped) and returns the identifier of the last one whose key or identifier matches the name
     * (the SDK compares each with the name as renamed by an earlier match), else {@code null}.
     */
    private static String add(String name, List<Map<String, String>> objects, Map<String, String> realmOf, Map<String, String> domains) {
        String matched = null;
        String current = name;
        for (Map<String, String> o : objects) {
            String id = o.get("regionIdentifier");
            if (!realmOf.containsKey(id)) {
                realmOf.put(id, o.get("realmKey"));
                domains.put(o.get("realmKey"), o.get("realmDomainComponent"));
            }
            if (o.get("regionKey").equals(current) || id.equals(current)) {
                current = id;
                matched = id;
            }
        }
        return matched;
    }

    /** {@code ~/.oci/regions-config.json}'s objects; none when there is no such file. */
    private static List<Map<String, String>> file(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new IOException("reading OCI region metadata file \"" + file + "\": " + e.getMessage(), e);
        }
        String what = "OCI region metadata file \"" + file + "\"";
        JsonNode tree = parse(text, what);
        if (!tree.isArray()) {
            throw new IOException(what + ": not a JSON array of region objects");
        }
        List<Map<String, String>> objects = new ArrayList<>();
        for (int i = 0; i < tree.size(); i++) {
            objects.add(object(tree.get(i), what + ", element " + (i + 1)));
        }
        return objects;
    }

    private static JsonNode parse(String text, String what) throws IOException {
        try {
            // Trailing content is refused, as Go's json.Unmarshal refuses it.
            JsonNode tree = OciDiscoverer.JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(text);
            if (tree == null || tree.isMissingNode()) {
                throw new IOException(what + ": not valid JSON: empty");
            }
            return tree;
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage().replaceAll("\\s*\\(start marker at .*", "").lines().findFirst().orElse("");
            JsonLocation at = e.getLocation();
            throw new IOException(what + ": not valid JSON: " + message
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"), e);
        }
    }

    /** A region object's four fields, lower-cased as the SDK's {@code checkSchemaItem}; other fields are ignored, as there. */
    private static Map<String, String> object(JsonNode node, String what) throws IOException {
        if (!node.isObject()) {
            throw new IOException(what + ": not a JSON object");
        }
        Map<String, String> fields = new HashMap<>();
        for (String field : FIELDS) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull() || (value.isTextual() && value.asText().isEmpty())) {
                throw new IOException(what + ": " + field + " is missing or empty (an object needs regionKey, regionIdentifier, realmKey "
                        + "and realmDomainComponent)");
            }
            if (!value.isTextual()) {
                throw new IOException(what + ": " + field + " is not a string");
            }
            fields.put(field, value.asText().toLowerCase(Locale.ROOT));
        }
        return fields;
    }
}

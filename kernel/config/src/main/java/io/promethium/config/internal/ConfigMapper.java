package io.promethium.config.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.model.Labels;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.config.PluginKeys;
import io.promethium.config.http.HttpClientConfigParser;
import io.promethium.config.model.AlertingConfig;
import io.promethium.config.model.AlertmanagerConfig;
import io.promethium.config.model.GlobalConfig;
import io.promethium.config.model.MetricNameScheme;
import io.promethium.config.model.HttpClientConfig;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.config.model.RelabelAction;
import io.promethium.config.model.RelabelConfig;
import io.promethium.config.model.ConfigSections;
import io.promethium.config.relabel.Relabeler;
import io.promethium.api.config.LabelRewriter;
import io.promethium.api.config.SectionContext;
import io.promethium.config.model.HistogramScrapeSettings;
import io.promethium.config.model.ScrapeConfig;
import io.promethium.config.model.ScrapeLimits;
import io.promethium.config.model.StaticConfig;
import io.promethium.config.model.StorageConfig;
import io.promethium.config.yaml.YamlNode;
import io.promethium.config.yaml.YamlReader;
import io.promethium.config.yaml.YamlWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.PatternSyntaxException;

/** Maps a located YAML tree onto the config records, applying defaults and validation. One per load. */
public final class ConfigMapper {

    private static final String SD_SUFFIX = "_sd_configs";
    private static final Set<String> SCRAPE_PROTOCOLS = Set.of("PrometheusProto", "OpenMetricsText0.0.1",
            "OpenMetricsText1.0.0", "PrometheusText0.0.4", "PrometheusText1.0.0");

    private final PluginKeys pluginKeys;
    private final YamlReader reader;
    private final Path file;
    /** Values plugins declared secret, masked in the redacted config (by identity). */
    private final Set<YamlNode> secretNodes = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    public ConfigMapper(PluginKeys pluginKeys, YamlReader reader, Path file) {
        this.pluginKeys = Objects.requireNonNull(pluginKeys, "pluginKeys is null");
        this.reader = Objects.requireNonNull(reader, "reader is null");
        this.file = Objects.requireNonNull(file, "file is null");
    }

    public PrometheusConfig map(YamlNode root) throws ConfigException {
        Fields top = Fields.of(root, "config");
        GlobalConfig global = global(Fields.of(top.node("global"), "global"));
        refuseUtf8OtlpStrategyUnderLegacyNames(top, global);
        List<String> ruleFiles = top.strings("rule_files");
        for (String pattern : ruleFiles) {
            if (!PathPatterns.isValidConfigPattern(pattern)) {
                throw Fields.error(top.keyLocation("rule_files"), "invalid rule file path \"" + pattern + "\"");
            }
        }
        List<ScrapeConfig> scrapeConfigs = new ArrayList<>();
        List<YamlNode> scrapeNodes = top.list("scrape_configs");
        for (int i = 0; i < scrapeNodes.size(); i++) {
            if (Fields.isEmptyEntry(scrapeNodes.get(i))) {
                throw Fields.error(scrapeNodes.get(i).location(), "scrape_configs[" + i + "]: empty or null scrape config section");
            }
            scrapeConfigs.add(scrapeConfig(scrapeNodes.get(i), "scrape_configs[" + i + "]", global));
        }
        for (String pattern : top.strings("scrape_config_files")) {
            if (!PathPatterns.isValidConfigPattern(pattern)) {
                throw Fields.error(top.keyLocation("scrape_config_files"), "invalid scrape config file path \"" + pattern + "\"");
            }
            scrapeConfigs.addAll(scrapeConfigFiles(pattern, global));
        }
        Set<String> jobs = new HashSet<>();
        for (ScrapeConfig config : scrapeConfigs) {
            if (!jobs.add(config.jobName())) {
                throw new ConfigException(file + ": found multiple scrape configs with job name \"" + config.jobName() + "\"");
            }
        }
        AlertingConfig alerting = alerting(Fields.of(top.node("alerting"), "alerting"), global.metricNames().validation());
        RemoteSections.check(top, "remote_write");
        RemoteSections.check(top, "remote_read");
        // Prometheus's own checks and messages first; the tracing bundle then owns the section.
        TracingSection.check(top, pluginKeys.sectionKeys().contains("tracing")
                || pluginKeys.waitForMissingPlugins() && pluginKeys.waitingSectionKeys().contains("tracing"));
        ConfigSections sections = sections(top, global);
        StorageConfig storage = storage(Fields.of(top.node("storage"), "storage"));
        Unsupported.refuse(top, "runtime", "Go runtime settings (gogc) do not apply to the JVM; remove the runtime section");
        if (!pluginKeys.sectionKeys().contains("otlp")) {
            Unsupported.refuse(top, "otlp", "the OTLP receiver bundle (promethium-otlp) is not installed; remove the otlp section");
        }
        top.finish();
        return new PrometheusConfig(file, global, ruleFiles, scrapeConfigs, alerting, sections, storage,
                YamlWriter.redacted(root, secretNodes));
    }

    private GlobalConfig global(Fields f) throws ConfigException {
        GlobalConfig d = GlobalConfig.DEFAULT;
        Duration interval = f.duration("scrape_interval", d.scrapeInterval());
        Duration timeout = f.duration("scrape_timeout", d.scrapeTimeout());
        if (!f.has("scrape_timeout") && timeout.compareTo(interval) > 0) {
            timeout = interval;
        }
        if (timeout.compareTo(interval) > 0) {
            throw Fields.error(f.keyLocation("scrape_timeout"), "global scrape timeout greater than scrape interval");
        }
        List<String> protocols = protocols(f, d.scrapeProtocols());
        Duration evaluation = f.duration("evaluation_interval", d.evaluationInterval());
        Duration ruleQueryOffset = f.duration("rule_query_offset", Duration.ZERO);
        MetricNameScheme names = globalNameScheme(f);
        Labels external = externalLabels(f, names.validation());
        Unsupported.refuse(f, "query_log_file", "logging queries to a file is not supported yet");
        String queryLog = "";
        ScrapeLimits limits = limits(f, ScrapeLimits.NONE);
        refuseUnsupportedScrapeSettings(f);
        refuseGlobalHistogramSettings(f);
        boolean nhcb = f.bool("convert_classic_histograms_to_nhcb", false);
        Boolean extraMetrics = f.has("extra_scrape_metrics") ? Boolean.valueOf(f.bool("extra_scrape_metrics", false)) : null;
        f.finish();
        return new GlobalConfig(interval, timeout, protocols, evaluation, ruleQueryOffset, external, queryLog, limits, nhcb, extraMetrics,
                names);
    }

    private List<String> protocols(Fields f, List<String> defaults) throws ConfigException {
        if (!f.has("scrape_protocols")) {
            f.accept("scrape_protocols");
            return defaults;
        }
        List<String> protocols = f.strings("scrape_protocols");
        Set<String> seen = new HashSet<>();
        for (String protocol : protocols) {
            if (!SCRAPE_PROTOCOLS.contains(protocol)) {
                throw Fields.error(f.keyLocation("scrape_protocols"), f.context() + ": unknown scrape protocol " + protocol
                        + ", supported: " + new TreeSet<>(SCRAPE_PROTOCOLS));
            }
            if (!seen.add(protocol)) {
                throw Fields.error(f.keyLocation("scrape_protocols"), f.context() + ": duplicated protocol in scrape_protocols, got " + protocols);
            }
        }
        return protocols;
    }

    private ScrapeLimits limits(Fields f, ScrapeLimits d) throws ConfigException {
        return new ScrapeLimits(
                f.byteSize("body_size_limit", d.bodySizeLimit()),
                f.integer("sample_limit", d.sampleLimit()),
                f.integer("label_limit", d.labelLimit()),
                f.integer("label_name_length_limit", d.labelNameLengthLimit()),
                f.integer("label_value_length_limit", d.labelValueLengthLimit()),
                f.integer("target_limit", d.targetLimit()),
                f.integer("keep_dropped_targets", d.keepDroppedTargets()));
    }

    private List<ScrapeConfig> scrapeConfigFiles(String pattern, GlobalConfig global) throws ConfigException {
        Path base = file.toAbsolutePath().getParent();
        Path glob = base.resolve(pattern);
        List<ScrapeConfig> result = new ArrayList<>();
        Path dir = glob.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return result;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, glob.getFileName().toString())) {
            List<Path> sorted = new ArrayList<>();
            files.forEach(sorted::add);
            sorted.sort(null);
            for (Path path : sorted) {
                YamlNode root = reader.read(path.toString(), Files.readString(path, StandardCharsets.UTF_8));
                Fields f = Fields.of(root, path.getFileName().toString());
                List<YamlNode> nodes = f.list("scrape_configs");
                for (int i = 0; i < nodes.size(); i++) {
                    // Its relative paths resolve against its own file's folder, as Prometheus's SetDirectory.
                    result.add(scrapeConfig(nodes.get(i), path.getFileName() + ": scrape_configs[" + i + "]", global)
                            .withDirectory(path.toAbsolutePath().getParent()));
                }
                f.finish();
            }
        } catch (IOException e) {
            throw new ConfigException(file + ": scrape_config_files: cannot read \"" + pattern + "\": " + e.getMessage(), e);
        }
        return result;
    }

    private ScrapeConfig scrapeConfig(YamlNode node, String context, GlobalConfig global) throws ConfigException {
        Fields f = Fields.of(node, context);
        String job = f.string("job_name", "");
        if (job.isEmpty()) {
            throw Fields.error(f.location(), context + ": job_name is empty");
        }
        String ctx = context + " (job \"" + job + "\")";
        f = Fields.of(node, ctx);
        f.accept("job_name");
        Duration interval = f.duration("scrape_interval", global.scrapeInterval());
        Duration timeout;
        if (f.has("scrape_timeout")) {
            timeout = f.duration("scrape_timeout", null);
        } else {
            f.accept("scrape_timeout");
            timeout = global.scrapeTimeout().compareTo(interval) > 0 ? interval : global.scrapeTimeout();
        }
        if (timeout.compareTo(interval) > 0) {
            throw Fields.error(f.keyLocation("scrape_timeout"),
                    "scrape timeout greater than scrape interval for scrape config with job name \"" + job + "\"");
        }
        List<String> protocols = protocols(f, global.scrapeProtocols());
        String fallback = f.string("fallback_scrape_protocol", "");
        if (!fallback.isEmpty() && !SCRAPE_PROTOCOLS.contains(fallback)) {
            throw Fields.error(f.keyLocation("fallback_scrape_protocol"), ctx + ": unknown fallback_scrape_protocol " + fallback);
        }
        String metricsPath = f.string("metrics_path", "/metrics");
        String scheme = f.string("scheme", "http");
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw Fields.error(f.keyLocation("scheme"), ctx + ": unsupported scheme \"" + scheme + "\" (http or https)");
        }
        Map<String, List<String>> params = params(f);
        boolean honorLabels = f.bool("honor_labels", false);
        boolean honorTimestamps = f.bool("honor_timestamps", true);
        boolean trackStaleness = f.bool("track_timestamps_staleness", false);
        boolean compression = f.bool("enable_compression", true);
        HttpClientConfig http = httpClient(f);
        ScrapeLimits limits = limits(f, global.limits());
        // As Prometheus: URLs in static targets are refused here only when no relabelling could fix them;
        // otherwise check config relabels them as the scrape would (CheckConfig), and the scrape drops them.
        List<StaticConfig> statics = staticConfigs(f, !hasRelabelConfigs(f));
        List<PluginConfig> discovery = discoveryConfigs(f);
        MetricNameScheme names = scrapeNameScheme(f, global.metricNames());
        List<RelabelConfig> relabel = relabelConfigs(f, "relabel_configs", names.validation());
        List<RelabelConfig> metricRelabel = relabelConfigs(f, "metric_relabel_configs", names.validation());
        HistogramScrapeSettings histograms = histogramSettings(f, global.convertClassicHistogramsToNhcb());
        Boolean extraMetrics = f.has("extra_scrape_metrics") ? Boolean.valueOf(f.bool("extra_scrape_metrics", false))
                : global.extraScrapeMetrics();
        refuseUnsupportedScrapeSettings(f);
        f.finish();
        return new ScrapeConfig(job, interval, timeout, protocols, fallback, metricsPath, scheme, params, honorLabels,
                honorTimestamps, trackStaleness, compression, http, limits, statics, discovery, relabel, metricRelabel, histograms,
                extraMetrics, names);
    }

    private Map<String, List<String>> params(Fields f) throws ConfigException {
        YamlNode node = f.node("params");
        if (node == null) {
            return Map.of();
        }
        Fields p = Fields.of(node, f.context() + ": params");
        Map<String, List<String>> result = new LinkedHashMap<>();
        for (YamlNode.Entry entry : p.take(k -> true)) {
            if (!(entry.value() instanceof YamlNode.Sequence seq)) {
                throw Fields.error(entry.value().location(), f.context() + ": params." + entry.key() + ": expected a list of strings");
            }
            List<String> values = new ArrayList<>();
            for (YamlNode item : seq.items()) {
                if (!(item instanceof YamlNode.Scalar s) || s.isNull()) {
                    throw Fields.error(item.location(), f.context() + ": params." + entry.key() + ": expected a string");
                }
                values.add(s.text());
            }
            result.put(entry.key(), List.copyOf(values));
        }
        return result;
    }

    /** The {@code http_client_config} fields of a section, parsed by the one parser plugins use too. */
    private HttpClientConfig httpClient(Fields f) throws ConfigException {
        // One parser for core sections and plugins: Prometheus's rules and messages, each error at its key.
        PluginConfig block = LocatedBlocks.of(f.context(), f.mapping(), HttpClientFactory.FIELDS);
        f.accept(HttpClientFactory.FIELDS.toArray(String[]::new));
        return HttpClientConfigParser.parse(block);
    }

    private static boolean hasRelabelConfigs(Fields f) {
        return f.peek("relabel_configs") instanceof YamlNode.Sequence s && !s.items().isEmpty();
    }

    private List<StaticConfig> staticConfigs(Fields f, boolean checkAddresses) throws ConfigException {
        List<StaticConfig> result = new ArrayList<>();
        List<YamlNode> nodes = f.list("static_configs");
        for (int i = 0; i < nodes.size(); i++) {
            if (Fields.isEmptyEntry(nodes.get(i))) {
                throw Fields.error(nodes.get(i).location(), f.context() + ": empty or null section in static_configs");
            }
            Fields s = Fields.of(nodes.get(i), f.context() + ": static_configs[" + i + "]");
            List<String> targets = s.strings("targets");
            for (String target : checkAddresses ? targets : List.<String>of()) {
                String violation = TargetAddresses.violation(target);
                if (violation != null) {
                    throw Fields.error(s.keyLocation("targets"), s.context() + ": " + violation);
                }
            }
            Labels labels = labels(s, "labels");
            s.finish();
            result.add(new StaticConfig(targets, labels));
        }
        return result;
    }

    private List<PluginConfig> discoveryConfigs(Fields f) throws ConfigException {
        List<PluginConfig> result = new ArrayList<>();
        for (YamlNode.Entry entry : f.take(k -> k.endsWith(SD_SUFFIX))) {
            String type = entry.key().substring(0, entry.key().length() - SD_SUFFIX.length());
            boolean owned = pluginKeys.discoveryTypes().contains(type);
            if (!owned && !pluginKeys.waitForMissingPlugins()) {
                throw Fields.error(entry.keyLocation(), "field " + entry.key() + " not found in " + f.context()
                        + ": no installed discovery plugin owns it (installed: " + new TreeSet<>(pluginKeys.discoveryTypes()) + ")");
            }
            if (entry.value() instanceof YamlNode.Scalar s && s.isNull()) {
                continue;
            }
            if (!(entry.value() instanceof YamlNode.Sequence seq)) {
                throw Fields.error(entry.value().location(), f.context() + ": " + entry.key() + ": expected a list, got "
                        + YamlNode.kind(entry.value()));
            }
            for (YamlNode item : seq.items()) {
                if (!(item instanceof YamlNode.Mapping mapping)) {
                    throw Fields.error(item.location(), f.context() + ": " + entry.key() + ": expected a mapping, got " + YamlNode.kind(item));
                }
                PluginConfig config = LocatedBlocks.of(entry.key(), mapping);
                if (owned) {
                    pluginKeys.validateDiscovery(type, config);
                    secretNodes.addAll(YamlWriter.scalarsAt(mapping, pluginKeys.discoverySecrets(type)));
                } else {
                    // Waits for its plugin (which validates it when it arrives); which fields are
                    // secret is the plugin's to say, so every value is masked meanwhile.
                    secretNodes.addAll(YamlWriter.scalarsUnder(mapping));
                }
                result.add(config);
            }
        }
        return result;
    }

    /** Converts a YAML subtree into plain Java values for a plugin: numbers and booleans typed as YAML would. */
    static Object plain(YamlNode node) {
        return switch (node) {
            case YamlNode.Scalar s -> {
                if (s.isNull()) {
                    yield null;
                }
                if (s.string()) {
                    yield s.text();
                }
                String t = s.text();
                if (t.equals("true") || t.equals("false")) {
                    yield Boolean.valueOf(t);
                }
                try {
                    yield Long.valueOf(t);
                } catch (NumberFormatException e) {
                    try {
                        yield Double.valueOf(t);
                    } catch (NumberFormatException e2) {
                        yield t;
                    }
                }
            }
            case YamlNode.Sequence seq -> {
                List<Object> list = new ArrayList<>();
                for (YamlNode item : seq.items()) {
                    list.add(plain(item));
                }
                yield java.util.Collections.unmodifiableList(list);
            }
            case YamlNode.Mapping m -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (YamlNode.Entry entry : m.entries().values()) {
                    map.put(entry.key(), plain(entry.value()));
                }
                yield java.util.Collections.unmodifiableMap(map);
            }
        };
    }

    private List<RelabelConfig> relabelConfigs(Fields f, String key, MetricNameScheme.Validation names) throws ConfigException {
        List<RelabelConfig> result = new ArrayList<>();
        List<YamlNode> nodes = f.list(key);
        for (int i = 0; i < nodes.size(); i++) {
            if (Fields.isEmptyEntry(nodes.get(i))) {
                throw Fields.error(nodes.get(i).location(), f.context() + ": " + key + "[" + i + "]: empty or null relabeling rule");
            }
            result.add(relabelConfig(Fields.of(nodes.get(i), f.context() + ": " + key + "[" + i + "]"), names));
        }
        return result;
    }

    private RelabelConfig relabelConfig(Fields f, MetricNameScheme.Validation names) throws ConfigException {
        List<String> source = f.strings("source_labels");
        String separator = f.string("separator", ";");
        String regexText = f.string("regex", RelabelConfig.DEFAULT_REGEX);
        java.util.regex.Pattern regex;
        try {
            regex = RelabelConfig.compile(regexText);
        } catch (PatternSyntaxException e) {
            throw Fields.error(f.keyLocation("regex"), f.context() + ": invalid regex \"" + regexText + "\": " + e.getDescription());
        }
        long modulus = f.integer("modulus", 0);
        String target = f.string("target_label", "");
        String replacement = f.string("replacement", "$1");
        if (f.isNullOrEmpty("action")) {
            throw Fields.error(f.keyLocation("action"), f.context() + ": relabel action cannot be empty");
        }
        String actionText = f.string("action", "replace");
        RelabelAction action = RelabelAction.parse(actionText);
        if (action == null) {
            throw Fields.error(f.keyLocation("action"), f.context() + ": unknown relabel action \"" + actionText + "\"");
        }
        f.finish();
        String violation = RelabelRules.violation(new RelabelRules.Rule(action, source, f.present("source_labels"), separator,
                regexText, modulus, target, replacement), names);
        if (violation != null) {
            throw Fields.error(f.location(), f.context() + ": " + violation);
        }
        return new RelabelConfig(source, separator, regexText, regex, modulus, target, replacement, action);
    }

    private AlertingConfig alerting(Fields f, MetricNameScheme.Validation names) throws ConfigException {
        List<RelabelConfig> relabel = relabelConfigs(f, "alert_relabel_configs", names);
        List<AlertmanagerConfig> managers = new ArrayList<>();
        List<YamlNode> nodes = f.list("alertmanagers");
        for (int i = 0; i < nodes.size(); i++) {
            Fields a = Fields.of(nodes.get(i), "alerting.alertmanagers[" + i + "]");
            String apiVersion = a.string("api_version", "v2");
            if (!apiVersion.equals("v2")) {
                throw Fields.error(a.keyLocation("api_version"), a.context() + ": unsupported api_version \"" + apiVersion + "\" (only v2)");
            }
            String prefix = a.string("path_prefix", "");
            String scheme = a.string("scheme", "http");
            Duration timeout = a.duration("timeout", Duration.ofSeconds(10));
            HttpClientConfig http = httpClient(a);
            List<StaticConfig> statics = staticConfigs(a, !hasRelabelConfigs(a));
            List<PluginConfig> discovery = discoveryConfigs(a);
            List<RelabelConfig> amRelabel = relabelConfigs(a, "relabel_configs", names);
            List<RelabelConfig> amAlertRelabel = relabelConfigs(a, "alert_relabel_configs", names);
            Unsupported.refuse(a, "sigv4", Unsupported.CLOUD_AUTH);
            a.finish();
            managers.add(new AlertmanagerConfig(apiVersion, prefix, scheme, timeout, http, statics, discovery, amRelabel, amAlertRelabel));
        }
        f.finish();
        return new AlertingConfig(relabel, managers);
    }

    /**
     * Routes every top-level key a plugin owns: each list entry becomes a {@link PluginConfig}
     * the owner validates now and applies later. Relabel rules inside an entry are compiled here,
     * where the YAML (with its locations) and the relabel semantics live.
     */
    private ConfigSections sections(Fields top, GlobalConfig global) throws ConfigException {
        Set<String> owned = pluginKeys.sectionKeys();
        // Keys whose plugin is not installed (the running server only): kept for it, validated when it arrives.
        Set<String> waiting = pluginKeys.waitForMissingPlugins() ? pluginKeys.waitingSectionKeys() : Set.of();
        Map<String, List<PluginConfig>> entries = new LinkedHashMap<>();
        Map<PluginConfig, YamlNode.Mapping> nodes = new java.util.IdentityHashMap<>();
        for (YamlNode.Entry entry : top.take(k -> owned.contains(k) || waiting.contains(k))) {
            List<PluginConfig> list = new ArrayList<>();
            if (entry.value() instanceof YamlNode.Sequence seq) {
                for (YamlNode item : seq.items()) {
                    if (!(item instanceof YamlNode.Mapping mapping)) {
                        throw Fields.error(item.location(), entry.key() + ": expected a mapping, got " + YamlNode.kind(item));
                    }
                    // Every entry located, so the owner's errors name the field's file:line:col, not the item's.
                    PluginConfig config = LocatedBlocks.of(entry.key(), mapping);
                    nodes.put(config, mapping);
                    list.add(config);
                }
            } else if (entry.value() instanceof YamlNode.Mapping mapping) {
                // A mapping-shaped section (otlp:) is one block, every entry located.
                PluginConfig config = LocatedBlocks.of(entry.key(), mapping);
                nodes.put(config, mapping);
                list.add(config);
            } else if (!(entry.value() instanceof YamlNode.Scalar sc && sc.isNullOrPlainEmpty())) {
                throw Fields.error(entry.value().location(), entry.key() + ": expected a list, got " + YamlNode.kind(entry.value()));
            }
            entries.put(entry.key(), list);
        }
        Path dir = file.toAbsolutePath().getParent();
        SectionContext context = new SectionContext() {
            @Override
            public Labels externalLabels() {
                return global.externalLabels();
            }

            @Override
            public Path configDirectory() {
                return dir;
            }

            @Override
            public LabelRewriter relabeling(PluginConfig entry, String field) throws ConfigException {
                YamlNode.Mapping node = nodes.get(entry);
                if (node == null || node.get(field) == null) {
                    return LabelRewriter.IDENTITY;
                }
                Fields f = Fields.of(node, entry.key());
                f.accept(node.entries().keySet().toArray(String[]::new));
                List<RelabelConfig> rules = relabelConfigs(f, field, global.metricNames().validation());
                if (rules.isEmpty()) {
                    return LabelRewriter.IDENTITY;
                }
                Relabeler relabeler = new Relabeler(rules);
                return relabeler::process;
            }

            @Override
            public HttpClientFactory httpClients() {
                return pluginKeys.httpClients();
            }
        };
        for (Map.Entry<String, List<PluginConfig>> e : entries.entrySet()) {
            if (!owned.contains(e.getKey())) {
                continue; // waits for its plugin, which validates the entries when it arrives
            }
            pluginKeys.validateSection(e.getKey(), e.getValue(), context);
        }
        return new ConfigSections(entries, context);
    }

    private StorageConfig storage(Fields f) throws ConfigException {
        Duration ooo = StorageConfig.DEFAULT.outOfOrderTimeWindow();
        long maxExemplars = StorageConfig.DEFAULT.maxExemplars();
        List<StorageConfig.RetentionRule> rules = List.of();
        List<StorageConfig.DownsamplingResolution> downsampling = List.of();
        YamlNode tsdb = f.node("tsdb");
        if (tsdb != null) {
            Fields t = Fields.of(tsdb, "storage.tsdb");
            ooo = t.duration("out_of_order_time_window", ooo);
            Unsupported.refuse(t, "stale_series_compaction_threshold", "compacting stale series early is not supported yet");
            rules = RetentionRules.parse(t);
            downsampling = DownsamplingSettings.parse(t);
            t.finish();
        }
        YamlNode exemplars = f.node("exemplars");
        if (exemplars != null) {
            Fields e = Fields.of(exemplars, "storage.exemplars");
            maxExemplars = e.integer("max_exemplars", maxExemplars);
            e.finish();
        }
        f.finish();
        return new StorageConfig(ooo, maxExemplars, rules, downsampling);
    }

    /**
     * A scrape config's native histogram settings. {@code scrape_classic_histograms} is the
     * Prometheus 2 spelling of {@code always_scrape_classic_histograms}; both at once is an error.
     */
    private static HistogramScrapeSettings histogramSettings(Fields f, boolean globalNhcb) throws ConfigException {
        Boolean scrapeNative = f.has("scrape_native_histograms") ? f.bool("scrape_native_histograms", false) : null;
        if (scrapeNative == null) {
            f.accept("scrape_native_histograms");
        }
        if (f.has("scrape_classic_histograms") && f.has("always_scrape_classic_histograms")) {
            throw Fields.error(f.keyLocation("scrape_classic_histograms"), f.context()
                    + ": scrape_classic_histograms and always_scrape_classic_histograms are the same setting; write only always_scrape_classic_histograms");
        }
        boolean classic = f.bool("always_scrape_classic_histograms", f.bool("scrape_classic_histograms", false));
        long limit = f.integer("native_histogram_bucket_limit", 0);
        if (limit < 0) {
            throw Fields.error(f.keyLocation("native_histogram_bucket_limit"), f.context() + ": native_histogram_bucket_limit must not be negative");
        }
        String factorText = f.string("native_histogram_min_bucket_factor", "0");
        double factor;
        try {
            factor = Double.parseDouble(factorText);
        } catch (NumberFormatException e) {
            throw Fields.error(f.keyLocation("native_histogram_min_bucket_factor"), f.context()
                    + ": native_histogram_min_bucket_factor must be a number, got \"" + factorText + "\"");
        }
        if (Double.isNaN(factor) || factor < 0) {
            throw Fields.error(f.keyLocation("native_histogram_min_bucket_factor"), f.context()
                    + ": native_histogram_min_bucket_factor must not be negative");
        }
        boolean nhcb = f.bool("convert_classic_histograms_to_nhcb", globalNhcb);
        return new HistogramScrapeSettings(scrapeNative, classic, (int) Math.min(limit, Integer.MAX_VALUE), factor, nhcb);
    }

    /**
     * At the global level the native histogram settings other than
     * {@code convert_classic_histograms_to_nhcb} are refused unless at their defaults: they are set per scrape config.
     */
    private static void refuseGlobalHistogramSettings(Fields f) throws ConfigException {
        String perJob = "only its default is supported in global; set it in each scrape config";
        Unsupported.refuseUnless(f, "scrape_native_histograms", perJob, "false");
        Unsupported.refuseUnless(f, "always_scrape_classic_histograms", perJob, "false");
        Unsupported.refuseUnless(f, "native_histogram_bucket_limit", perJob, "0");
        Unsupported.refuseUnless(f, "native_histogram_min_bucket_factor", perJob, "0");
    }

    /** Scrape settings Prometheus 3 has that Promethium does not act on (the failure log). */
    private static void refuseUnsupportedScrapeSettings(Fields f) throws ConfigException {
        Unsupported.refuse(f, "scrape_failure_log_file", "logging failed scrapes to a file is not supported yet");
    }

    /**
     * Prometheus 3's {@code LoadFile} check: the OTLP strategies that keep UTF-8 names are refused
     * under global legacy name validation. Here, because the {@code otlp:} section's owner (a
     * bundle) does not see the global section; the section is only peeked at, not read.
     */
    private static void refuseUtf8OtlpStrategyUnderLegacyNames(Fields top, GlobalConfig global) throws ConfigException {
        if (global.metricNames().validation() != MetricNameScheme.Validation.LEGACY
                || !(top.peek("otlp") instanceof YamlNode.Mapping otlp)) {
            return;
        }
        YamlNode.Entry entry = otlp.entries().get("translation_strategy");
        if (entry != null && entry.value() instanceof YamlNode.Scalar s
                && ("NoUTF8EscapingWithSuffixes".equals(s.text()) || "NoTranslation".equals(s.text()))) {
            throw Fields.error(entry.keyLocation(), "otlp: translation_strategy: OTLP translation strategy \"" + s.text()
                    + "\" is not allowed when UTF8 is disabled");
        }
    }

    private static final String VALIDATION_KEY = "metric_name_validation_scheme";
    private static final String ESCAPING_KEY = "metric_name_escaping_scheme";

    /**
     * The global name schemes, as Prometheus 3's {@code GlobalConfig}: validation {@code utf8}
     * unless {@code legacy} is written; escaping {@code underscores} under legacy validation,
     * {@code allow-utf-8} otherwise. {@code allow-utf-8} with legacy validation is refused here
     * (Prometheus refuses it in each scrape config that inherits it).
     */
    private static MetricNameScheme globalNameScheme(Fields f) throws ConfigException {
        MetricNameScheme.Validation validation = validationScheme(f);
        MetricNameScheme.Escaping escaping = escapingScheme(f);
        if (validation == null) {
            validation = MetricNameScheme.Validation.UTF8;
        }
        if (escaping == null) {
            escaping = MetricNameScheme.Escaping.defaultFor(validation);
        }
        return nameScheme(f, validation, escaping);
    }

    /**
     * A scrape config's name schemes, as Prometheus 3's {@code ScrapeConfig.Validate}: an unset
     * validation scheme is the global one; an unset escaping scheme is the global one when the
     * validation scheme is inherited too, else the default for the job's validation scheme (so a
     * job that only writes {@code legacy} does not inherit a global {@code allow-utf-8}).
     */
    private static MetricNameScheme scrapeNameScheme(Fields f, MetricNameScheme global) throws ConfigException {
        MetricNameScheme.Validation validation = validationScheme(f);
        MetricNameScheme.Escaping escaping = escapingScheme(f);
        if (escaping == null) {
            escaping = validation == null ? global.escaping() : MetricNameScheme.Escaping.defaultFor(validation);
        }
        if (validation == null) {
            validation = global.validation();
        }
        return nameScheme(f, validation, escaping);
    }

    private static MetricNameScheme nameScheme(Fields f, MetricNameScheme.Validation validation, MetricNameScheme.Escaping escaping)
            throws ConfigException {
        if (escaping == MetricNameScheme.Escaping.ALLOW_UTF8 && validation != MetricNameScheme.Validation.UTF8) {
            String key = f.has(ESCAPING_KEY) ? ESCAPING_KEY : VALIDATION_KEY;
            throw Fields.error(f.keyLocation(key), f.context() + ": " + key
                    + ": utf8 metric names requested but validation scheme is not set to UTF8");
        }
        return new MetricNameScheme(validation, escaping);
    }

    /** {@code metric_name_validation_scheme}, or null when not written (or written empty). */
    private static MetricNameScheme.Validation validationScheme(Fields f) throws ConfigException {
        String text = f.string(VALIDATION_KEY, "");
        if (text.isEmpty()) {
            return null;
        }
        MetricNameScheme.Validation v = MetricNameScheme.Validation.parse(text);
        if (v == null) {
            throw Fields.error(f.keyLocation(VALIDATION_KEY), f.context() + ": " + VALIDATION_KEY
                    + ": unknown name validation method specified, must be either '', 'legacy' or 'utf8', got \"" + text + "\"");
        }
        return v;
    }

    /** {@code metric_name_escaping_scheme}, or null when not written (or written empty). */
    private static MetricNameScheme.Escaping escapingScheme(Fields f) throws ConfigException {
        String text = f.string(ESCAPING_KEY, "");
        if (text.isEmpty()) {
            return null;
        }
        MetricNameScheme.Escaping e = MetricNameScheme.Escaping.parse(text);
        if (e == null) {
            throw Fields.error(f.keyLocation(ESCAPING_KEY), f.context() + ": " + ESCAPING_KEY
                    + ": unknown name escaping method specified, must be one of 'allow-utf-8', 'underscores', 'dots', or 'values', got \""
                    + text + "\"");
        }
        return e;
    }

    /** {@code external_labels}: valid names (by the global validation scheme) and values; values expand {@code $VAR} from the environment, as Prometheus 3. */
    private Labels externalLabels(Fields f, MetricNameScheme.Validation names) throws ConfigException {
        YamlNode node = f.peek("external_labels");
        Map<String, String> map = f.stringMap("external_labels");
        Map<String, String> expanded = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : map.entrySet()) {
            YamlNode.Entry entry = node instanceof YamlNode.Mapping m ? m.entries().get(e.getKey()) : null;
            io.promethium.config.yaml.Location where = entry == null ? f.keyLocation("external_labels") : entry.keyLocation();
            if (!names.isValidLabelName(e.getKey())) {
                throw Fields.error(where, "global: external_labels: \"" + e.getKey() + "\" is not a valid label name");
            }
            String value = EnvExpansion.expand(e.getValue(), System::getenv);
            if (!LabelNames.isValidText(value)) {
                throw Fields.error(where, "global: external_labels: \"" + e.getKey() + "\" has a value that is not valid UTF-8");
            }
            expanded.put(e.getKey(), value);
        }
        return Labels.fromMap(expanded);
    }

    private Labels labels(Fields f, String key) throws ConfigException {
        Map<String, String> map = f.stringMap(key);
        for (Map.Entry<String, String> e : map.entrySet()) {
            if (!LabelNames.isValidName(e.getKey())) {
                throw Fields.error(f.keyLocation(key), f.context() + ": " + key + ": \"" + e.getKey() + "\" is not a valid label name");
            }
            if (!LabelNames.isValidText(e.getValue())) {
                throw Fields.error(f.keyLocation(key), f.context() + ": " + key + ": \"" + e.getKey() + "\" has a value that is not valid UTF-8");
            }
        }
        return Labels.fromMap(map);
    }
}

package io.promethium.alertmanager.config;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.config.yaml.Location;
import io.promethium.config.yaml.YamlNode;
import io.promethium.config.yaml.YamlReader;
import io.promethium.config.yaml.YamlWriter;
import io.promethium.goformat.GoStrings;
import io.promethium.templates.notification.NotificationTemplates;
import io.promethium.tracing.TracingSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Reads and validates {@code alertmanager.yml} as Alertmanager does: strict keys, Alertmanager's
 * defaults and checks (root route, receivers, time intervals, {@code group_by}), every
 * {@code <type>_configs} block validated by the notifier plugin of that type, and templates
 * parsed. Errors name file, line and column.
 */
public final class AlertmanagerConfigLoader {

    public static final Duration DEFAULT_GROUP_WAIT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_GROUP_INTERVAL = Duration.ofMinutes(5);
    public static final Duration DEFAULT_REPEAT_INTERVAL = Duration.ofHours(4);

    /** Alertmanager's global defaults (its DefaultGlobalConfig). */
    static final Map<String, Object> GLOBAL_DEFAULTS = Map.ofEntries(
            Map.entry("resolve_timeout", "5m"),
            Map.entry("smtp_hello", "localhost"),
            Map.entry("smtp_require_tls", true),
            Map.entry("pagerduty_url", "https://events.pagerduty.com/v2/enqueue"),
            Map.entry("opsgenie_api_url", "https://api.opsgenie.com/"),
            Map.entry("wechat_api_url", "https://qyapi.weixin.qq.com/cgi-bin/"),
            Map.entry("victorops_api_url", "https://alert.victorops.com/integrations/generic/20131114/alert/"),
            Map.entry("telegram_api_url", "https://api.telegram.org"),
            Map.entry("webex_api_url", "https://webexapis.com/v1/messages"),
            Map.entry("rocketchat_api_url", "https://open.rocket.chat/"),
            Map.entry("slack_app_url", "https://slack.com/api/chat.postMessage"));

    static final Set<String> GLOBAL_KEYS = Set.of("resolve_timeout", "http_config", "smtp_from", "smtp_hello",
            "smtp_smarthost", "smtp_auth_username", "smtp_auth_password", "smtp_auth_password_file", "smtp_auth_secret",
            "smtp_auth_identity", "smtp_require_tls", "slack_api_url", "slack_api_url_file", "pagerduty_url",
            "opsgenie_api_url", "opsgenie_api_key", "opsgenie_api_key_file", "wechat_api_url", "wechat_api_secret",
            "wechat_api_corp_id", "victorops_api_url", "victorops_api_key", "victorops_api_key_file", "telegram_api_url",
            "telegram_bot_token", "telegram_bot_token_file", "webex_api_url", "wechat_api_secret_file", "rocketchat_api_url",
            "rocketchat_token", "rocketchat_token_file", "rocketchat_token_id", "rocketchat_token_id_file",
            "mattermost_webhook_url", "mattermost_webhook_url_file", "jira_api_url", "slack_app_token", "slack_app_token_file",
            "slack_app_url", "smtp_auth_secret_file", "smtp_force_implicit_tls", "smtp_tls_config");

    /** Global fields Alertmanager shows as {@code <secret>} (its Secret and SecretURL types). */
    static final Set<String> GLOBAL_SECRETS = Set.of("smtp_auth_password", "smtp_auth_secret", "slack_api_url",
            "opsgenie_api_key", "wechat_api_secret", "victorops_api_key", "telegram_bot_token", "slack_app_token", "rocketchat_token",
            "rocketchat_token_id", "mattermost_webhook_url", "http_config.tls_config.key", "smtp_tls_config.key");

    /** Secrets of every integration block besides the ones its plugin declares (http_config's are masked by key). */
    static final Set<String> BLOCK_SECRETS = Set.of("http_config.tls_config.key", "tls_config.key");

    /** Integrations of Alertmanager's newest release; without a plugin for one, the error says so. */
    static final Set<String> KNOWN_INTEGRATIONS = Set.of("email", "pagerduty", "slack", "webhook", "opsgenie", "wechat",
            "pushover", "victorops", "sns", "telegram", "webex", "discord", "msteams", "msteamsv2", "jira", "incidentio",
            "rocketchat", "mattermost");

    /** Global secrets given inline or in a file: at most one of each pair (Alertmanager's checks). */
    static final List<String> GLOBAL_SECRET_OR_FILE = List.of("slack_api_url", "opsgenie_api_key", "victorops_api_key",
            "telegram_bot_token", "smtp_auth_password", "smtp_auth_secret", "slack_app_token", "wechat_api_secret", "rocketchat_token", "rocketchat_token_id",
            "mattermost_webhook_url");

    private static final Logger LOG = Logger.getLogger(AlertmanagerConfigLoader.class.getName());

    /** Alertmanager's words (its {@code matcher/compat} fallback parser) for a matcher only the classic parser reads. */
    static final String FALLBACK_WARNING = "Alertmanager is moving to a new parser for labels and matchers, and this input is"
            + " incompatible. Alertmanager has instead parsed the input using the classic matchers parser as a fallback. To make"
            + " this input compatible with the UTF-8 matchers parser please make sure all regular expressions and values are"
            + " double-quoted and backslashes are escaped. If you are still seeing this message please open an issue.";

    private final YamlReader reader = new YamlReader();
    private final Function<String, NotifierFactory> notifiers;

    private final boolean waitForMissingPlugins;

    /**
     * A strict loader ({@code check alertmanager-config}): a {@code <type>_configs} key no
     * installed plugin owns is an error.
     *
     * @param notifiers the notifier factory of a type, or null when no plugin provides it
     */
    public AlertmanagerConfigLoader(Function<String, NotifierFactory> notifiers) {
        this(notifiers, false);
    }

    /**
     * @param waitForMissingPlugins accept a {@code <type>_configs} key no installed plugin owns:
     *                              its blocks are kept unvalidated and wait for their plugin (the
     *                              running server), every value masked in the shown config
     */
    public AlertmanagerConfigLoader(Function<String, NotifierFactory> notifiers, boolean waitForMissingPlugins) {
        this.notifiers = Objects.requireNonNull(notifiers, "notifiers is null");
        this.waitForMissingPlugins = waitForMissingPlugins;
    }

    public AlertmanagerConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        return parse(file, text);
    }

    public AlertmanagerConfig parse(Path file, String text) throws ConfigException {
        YamlNode root = reader.read(file.toString(), text);
        Set<YamlNode> secrets = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        if (root instanceof YamlNode.Mapping m && m.get("global") != null) {
            secrets.addAll(YamlWriter.scalarsAt(m.get("global"), GLOBAL_SECRETS));
        }
        secrets.addAll(EventRecorderConfig.secrets(root));
        Block top = Block.of(root, "config.Config");
        Path dir = file.toAbsolutePath().getParent();

        Map<String, Object> globals = new LinkedHashMap<>(GLOBAL_DEFAULTS);
        Duration resolveTimeout = Duration.ofMinutes(5);
        if (top.has("global")) {
            Block g = Block.of(top.node("global"), "config.GlobalConfig");
            Map<String, String> smtpTlsLocations = Map.of();
            for (YamlNode.Entry e : g.take(k -> true)) {
                if (!GLOBAL_KEYS.contains(e.key())) {
                    throw Block.error(e.keyLocation(), "field " + e.key() + " not found in type config.GlobalConfig");
                }
                Object value = Block.plain(e.value());
                // Alertmanager 0.34's *bool: read by the email plugin as the default of force_implicit_tls.
                if (e.key().equals("smtp_force_implicit_tls") && value != null && !(value instanceof Boolean)) {
                    throw Block.error(e.value().location(), "smtp_force_implicit_tls: expected true or false, got " + YamlNode.kind(e.value()));
                }
                if (e.key().equals("smtp_tls_config") && e.value() instanceof YamlNode.Mapping tls) {
                    smtpTlsLocations = locations(tls);
                }
                globals.put(e.key(), value);
            }
            Object rt = globals.get("resolve_timeout");
            try {
                resolveTimeout = io.promethium.api.config.Durations.parse(String.valueOf(rt));
            } catch (IllegalArgumentException ex) {
                throw Block.error(g.at("resolve_timeout"), "resolve_timeout: not a valid duration string: \"" + rt + "\"");
            }
            if (globals.get("http_config") != null) {
                // The default of every HTTP notifier's http_config: checked here, where its location is known.
                if (!(globals.get("http_config") instanceof Map<?, ?> http)) {
                    throw Block.error(g.at("http_config"), "http_config: expected a mapping");
                }
                @SuppressWarnings("unchecked")
                PluginConfig block = new PluginConfig("global.http_config", (Map<String, Object>) http, g.at("http_config").toString());
                block.requireOnly(io.promethium.api.http.HttpClientFactory.FIELDS);
                new io.promethium.config.http.KernelHttpClientFactory().validate(block);
            }
            if (globals.get("smtp_tls_config") != null) {
                // Alertmanager 0.34: the tls_config of every email block without one (taken whole), read by the email plugin.
                if (!(globals.get("smtp_tls_config") instanceof Map<?, ?> tls)) {
                    throw Block.error(g.at("smtp_tls_config"), "smtp_tls_config: expected a mapping");
                }
                @SuppressWarnings("unchecked")
                PluginConfig block = new PluginConfig("global.smtp_tls_config", (Map<String, Object>) tls, g.at("smtp_tls_config").toString(),
                        smtpTlsLocations);
                new io.promethium.config.http.KernelHttpClientFactory().validateTls(block);
            }
            boolean appToken = present(globals.get("slack_app_token")) || present(globals.get("slack_app_token_file"));
            boolean apiUrl = present(globals.get("slack_api_url")) || present(globals.get("slack_api_url_file"));
            // Alertmanager lets slack_api_url equal slack_app_url (the old workaround of a global URL plus per-receiver tokens).
            if (appToken && apiUrl && !String.valueOf(globals.get("slack_api_url")).equals(String.valueOf(globals.get("slack_app_url")))) {
                throw Block.error(g.location(),
                        "at most one of slack_app_token/slack_app_token_file & slack_api_url/slack_api_url_file must be configured");
            }
            for (String secret : GLOBAL_SECRET_OR_FILE) {
                if (present(globals.get(secret)) && present(globals.get(secret + "_file"))) {
                    throw Block.error(g.at(secret + "_file"), "at most one of " + secret + " & " + secret + "_file must be configured");
                }
            }
        } else {
            top.node("global");
        }

        List<String> templates = top.strings("templates");
        List<Path> templateFiles = new ArrayList<>();
        for (String pattern : templates) {
            templateFiles.addAll(glob(dir, pattern, top.at("templates")));
        }
        NotificationTemplates renderer;
        try {
            renderer = NotificationTemplates.load(templateFiles, Clock.systemUTC());
        } catch (ConfigException e) {
            throw new ConfigException(top.at("templates") + ": " + e.getMessage());
        }

        Map<String, TimeIntervals> intervals = new LinkedHashMap<>();
        for (String key : List.of("time_intervals", "mute_time_intervals")) {
            for (YamlNode item : top.list(key)) {
                TimeIntervals ti = timeIntervals(item, key);
                if (intervals.containsKey(ti.name())) {
                    throw Block.error(item.location(), key + ": time interval \"" + ti.name() + "\" is not unique");
                }
                intervals.put(ti.name(), ti);
            }
        }

        List<ReceiverConfig> receivers = new ArrayList<>();
        Set<String> receiverNames = new HashSet<>();
        for (YamlNode item : top.list("receivers")) {
            ReceiverConfig r = receiver(item, dir, globals, renderer, secrets);
            if (!receiverNames.add(r.name())) {
                throw Block.error(item.location(), "notification config name \"" + r.name() + "\" is not unique");
            }
            receivers.add(r);
        }

        List<InhibitRule> inhibitRules = new ArrayList<>();
        for (YamlNode item : top.list("inhibit_rules")) {
            inhibitRules.add(inhibitRule(item));
        }

        YamlNode routeNode = top.node("route");
        if (routeNode == null) {
            throw Block.error(top.location(), "no route provided in config");
        }
        RouteConfig route = route(routeNode, true);
        if (route.receiver() == null || route.receiver().isEmpty()) {
            throw Block.error(routeNode.location(), "root route must specify a default receiver");
        }
        if (!route.matchers().isEmpty()) {
            throw Block.error(routeNode.location(), "root route must not have any matchers");
        }
        if (!route.muteTimeIntervals().isEmpty()) {
            throw Block.error(routeNode.location(), "root route must not have any mute time intervals");
        }
        if (!route.activeTimeIntervals().isEmpty()) {
            throw Block.error(routeNode.location(), "root route must not have any active time intervals");
        }
        if (route.continueMatching()) {
            throw Block.error(routeNode.location(), "cannot have continue in root route");
        }
        route = withDefaults(route);
        checkReferences(route, receiverNames, intervals.keySet());
        TracingSettings tracing = tracing(top.node("tracing"));
        if (root instanceof YamlNode.Mapping m && m.get("tracing") instanceof YamlNode.Mapping t
                && t.get("headers") instanceof YamlNode.Mapping headers) {
            // prometheus/common's Headers: the secrets of each header are shown as <secret>.
            for (String name : headers.entries().keySet()) {
                secrets.addAll(YamlWriter.scalarsAt(headers.get(name), Set.of("secrets")));
            }
        }
        if (root instanceof YamlNode.Mapping m && m.get("tracing") != null) {
            secrets.addAll(YamlWriter.scalarsAt(m.get("tracing"), Set.of("tls_config.key")));
        }
        EventRecorderConfig eventRecorder = EventRecorderConfig.parse(top.node("event_recorder"), dir);
        top.finish();
        return new AlertmanagerConfig(file, resolveTimeout, globals, route, inhibitRules, receivers, templates,
                templateFiles, intervals, text, YamlWriter.redacted(root, secrets).stripLeading(), eventRecorder, tracing);
    }

    /**
     * Alertmanager 0.34's {@code tracing:} (its {@code tracing.TracingConfig}): the keys, defaults
     * and checks of Prometheus's section, with prometheus/common's {@code headers} (values,
     * secrets, files); written as nothing, it is the zero value (no tracing).
     */
    private static TracingSettings tracing(YamlNode node) throws ConfigException {
        if (node == null || node instanceof YamlNode.Scalar s && (s.isNull() || s.text().isEmpty())) {
            return null;
        }
        if (!(node instanceof YamlNode.Mapping m)) {
            throw Block.error(node.location(), "cannot unmarshal " + YamlNode.kind(node) + " into tracing.TracingConfig");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> values = (Map<String, Object>) Block.plain(m);
        PluginConfig block = new PluginConfig("tracing", values, m.location().toString(), locations(m));
        if (values.isEmpty()) {
            throw block.error("tracing endpoint must be set");
        }
        return TracingSettings.parse(block, TracingSettings.Headers.COMMON, new io.promethium.config.http.KernelHttpClientFactory());
    }

    /** Set to something: Alertmanager's zero value (an empty string) counts as unset. */
    private static boolean present(Object value) {
        return value != null && !value.toString().isEmpty();
    }

    private static List<Path> glob(Path dir, String pattern, Location at) throws ConfigException {
        Path full = dir.resolve(pattern);
        Path parent = full.getParent();
        String name = full.getFileName().toString();
        List<Path> out = new ArrayList<>();
        if (parent == null || !Files.isDirectory(parent)) {
            return out;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(parent, name)) {
            for (Path p : stream) {
                out.add(p);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw Block.error(at, "templates: bad pattern \"" + pattern + "\": " + e.getMessage());
        }
        out.sort(null);
        return out;
    }

    private RouteConfig route(YamlNode node, boolean root) throws ConfigException {
        Block b = Block.of(node, "config.Route");
        String receiver = b.string("receiver", null);
        List<String> groupBy = null;
        if (b.has("group_by")) {
            groupBy = b.strings("group_by");
            Set<String> seen = new HashSet<>();
            for (String l : groupBy) {
                if (l.equals("...")) {
                    if (groupBy.size() > 1) {
                        throw Block.error(b.at("group_by"), "cannot have wildcard group_by (`...`) and other other labels at the same time");
                    }
                } else if (!LabelMatchers.validLabelName(l)) {
                    throw Block.error(b.itemAt("group_by", l), "invalid label name \"" + l + "\" in group_by list");
                }
                if (!seen.add(l)) {
                    throw Block.error(b.at("group_by"), "duplicated label \"" + l + "\" in group_by");
                }
            }
        } else {
            b.node("group_by");
        }
        List<Matcher> matchers = new ArrayList<>();
        for (Map.Entry<String, String> e : b.stringMap("match").entrySet()) {
            if (!LabelMatchers.validLegacyLabelName(e.getKey())) {
                throw Block.error(b.at("match", e.getKey()), "invalid label name \"" + e.getKey() + "\"");
            }
            matchers.add(Matcher.of(MatchType.EQUAL, e.getKey(), e.getValue()));
        }
        for (Map.Entry<String, String> e : regexMap(b, "match_re").entrySet()) {
            if (!LabelMatchers.validLegacyLabelName(e.getKey())) {
                throw Block.error(b.at("match_re", e.getKey()), "invalid label name \"" + e.getKey() + "\"");
            }
            try {
                matchers.add(Matcher.of(MatchType.REGEX, e.getKey(), e.getValue()));
            } catch (IllegalArgumentException ex) {
                throw Block.error(b.at("match_re"), "match_re." + e.getKey() + ": " + ex.getMessage());
            }
        }
        matchers.addAll(matcherList(b, "matchers"));
        matchers.sort(LabelMatchers.ORDER);
        Duration groupWait = b.duration("group_wait");
        Duration groupInterval = b.duration("group_interval");
        Duration repeatInterval = b.duration("repeat_interval");
        if (groupInterval != null && groupInterval.isZero()) {
            throw Block.error(b.at("group_interval"), "group_interval cannot be zero");
        }
        if (repeatInterval != null && repeatInterval.isZero()) {
            throw Block.error(b.at("repeat_interval"), "repeat_interval cannot be zero");
        }
        boolean cont = b.bool("continue", false);
        List<String> mute = b.strings("mute_time_intervals");
        List<String> active = b.strings("active_time_intervals");
        // A YAML null is model.LabelValue's empty value.
        Map<String, String> labels = new java.util.TreeMap<>();
        b.stringMapOrNulls("labels").forEach((k, v) -> labels.put(k, v == null ? "" : v));
        for (String name : labels.keySet()) {
            if (!LabelMatchers.validLabelName(name)) {
                throw Block.error(b.at("labels", name), "invalid label name \"" + name + "\" in route labels");
            }
        }
        List<RouteConfig> children = new ArrayList<>();
        for (YamlNode child : b.list("routes")) {
            children.add(route(child, false));
        }
        b.finish();
        return new RouteConfig(receiver, groupBy, groupWait, groupInterval, repeatInterval, matchers, cont, mute, active,
                children, node.location().toString(), labels);
    }

    /**
     * A {@code match_re}-style mapping. A label without a value is refused as Alertmanager refuses
     * it ("invalid regexp value"); the YAML reader gives an absent value and {@code ''} alike, so
     * an explicitly empty regex is refused too (it could only match an absent label).
     */
    private static Map<String, String> regexMap(Block b, String key) throws ConfigException {
        Map<String, String> map = b.stringMapOrNulls(key);
        for (Map.Entry<String, String> e : map.entrySet()) {
            if (e.getValue() == null || e.getValue().isEmpty()) {
                throw Block.error(b.at(key), key + ": invalid regexp value for \"" + e.getKey() + "\"");
            }
        }
        return map;
    }

    /** Alertmanager still checks {@code match}-style keys by the legacy pattern, in every mode. */
    private static void legacyName(Block b, String key, String name) throws ConfigException {
        if (!LabelMatchers.validLegacyLabelName(name)) {
            throw Block.error(b.at(key, name), "invalid label name \"" + name + "\"");
        }
    }

    private static List<Matcher> matcherList(Block b, String key) throws ConfigException {
        List<Matcher> out = new ArrayList<>();
        for (YamlNode item : b.list(key)) {
            if (!(item instanceof YamlNode.Scalar s) || s.isNull()) {
                throw Block.error(item.location(), key + ": expected a matcher string, got " + YamlNode.kind(item));
            }
            List<Matcher> parsed;
            try {
                parsed = LabelMatchers.parse(s.text());
            } catch (IllegalArgumentException e) {
                throw Block.error(item.location(), key + ": " + e.getMessage());
            }
            warnIfNotForwardCompatible(item.location(), s.text(), parsed);
            out.addAll(parsed);
        }
        return out;
    }

    /**
     * The warnings of Alertmanager's fallback parser ({@code matcher/compat}), which it logs as it
     * reads each matcher string of the config: the classic parser read what the UTF-8 parser
     * refuses (with the classic reading, printed, as the suggestion), or both read it and disagree
     * (the classic reading is used). Alertmanager also gives the UTF-8 parser's error as
     * {@code err}; ours only says that it refuses.
     */
    private static void warnIfNotForwardCompatible(Location at, String text, List<Matcher> parsed) {
        List<Matcher> utf8 = LabelMatchers.utf8Matchers(text);
        if (utf8 == null) {
            StringBuilder suggestion = new StringBuilder();
            for (Matcher m : parsed) {
                suggestion.append(suggestion.isEmpty() ? "" : ",").append(LabelMatchers.format(m));
            }
            LOG.warning(at + ": " + FALLBACK_WARNING + " input=" + GoStrings.quote(text) + " origin=config suggestion="
                    + GoStrings.quote(suggestion.toString()));
        } else if (!utf8.equals(parsed)) {
            LOG.warning(at + ": Matchers input has disagreement input=" + GoStrings.quote(text) + " origin=config");
        }
    }

    /** The root gets Alertmanager's defaults; children inherit what they do not set (intervals excepted). */
    private static RouteConfig withDefaults(RouteConfig root) {
        return inherit(root, root.receiver(), List.of(), DEFAULT_GROUP_WAIT, DEFAULT_GROUP_INTERVAL, DEFAULT_REPEAT_INTERVAL,
                Map.of());
    }

    private static RouteConfig inherit(RouteConfig r, String receiver, List<String> groupBy, Duration wait, Duration interval,
                                       Duration repeat, Map<String, String> parentLabels) {
        // Alertmanager merges a route's labels over its parent's, into a new set.
        Map<String, String> labels = new java.util.TreeMap<>(parentLabels);
        labels.putAll(r.labels());
        String rc = r.receiver() == null || r.receiver().isEmpty() ? receiver : r.receiver();
        List<String> gb = r.groupBy() == null ? groupBy : r.groupBy();
        Duration w = r.groupWait() == null ? wait : r.groupWait();
        Duration i = r.groupInterval() == null ? interval : r.groupInterval();
        Duration rep = r.repeatInterval() == null ? repeat : r.repeatInterval();
        List<RouteConfig> children = new ArrayList<>();
        for (RouteConfig c : r.routes()) {
            children.add(inherit(c, rc, gb, w, i, rep, labels));
        }
        return new RouteConfig(rc, gb, w, i, rep, r.matchers(), r.continueMatching(), r.muteTimeIntervals(),
                r.activeTimeIntervals(), children, r.location(), labels);
    }

    private static void checkReferences(RouteConfig r, Set<String> receivers, Set<String> intervals) throws ConfigException {
        if (!receivers.contains(r.receiver())) {
            throw new ConfigException(r.location() + ": undefined receiver \"" + r.receiver() + "\" used in route");
        }
        for (String name : r.muteTimeIntervals()) {
            if (!intervals.contains(name)) {
                throw new ConfigException(r.location() + ": undefined time interval \"" + name + "\" used in route");
            }
        }
        for (String name : r.activeTimeIntervals()) {
            if (!intervals.contains(name)) {
                throw new ConfigException(r.location() + ": undefined time interval \"" + name + "\" used in route");
            }
        }
        for (RouteConfig c : r.routes()) {
            checkReferences(c, receivers, intervals);
        }
    }

    private static InhibitRule inhibitRule(YamlNode node) throws ConfigException {
        Block b = Block.of(node, "config.InhibitRule");
        List<Matcher> source = new ArrayList<>();
        List<Matcher> target = new ArrayList<>();
        for (String side : List.of("source", "target")) {
            List<Matcher> into = side.equals("source") ? source : target;
            for (Map.Entry<String, String> e : b.stringMap(side + "_match").entrySet()) {
                legacyName(b, side + "_match", e.getKey());
                into.add(Matcher.of(MatchType.EQUAL, e.getKey(), e.getValue()));
            }
            for (Map.Entry<String, String> e : regexMap(b, side + "_match_re").entrySet()) {
                legacyName(b, side + "_match_re", e.getKey());
                try {
                    into.add(Matcher.of(MatchType.REGEX, e.getKey(), e.getValue()));
                } catch (IllegalArgumentException ex) {
                    throw Block.error(b.at(side + "_match_re"), side + "_match_re." + e.getKey() + ": " + ex.getMessage());
                }
            }
            into.addAll(matcherList(b, side + "_matchers"));
        }
        List<String> equal = b.strings("equal");
        for (String l : equal) {
            if (!LabelMatchers.validLabelName(l)) {
                throw Block.error(b.itemAt("equal", l), "invalid label name \"" + l + "\" in equal list");
            }
        }
        b.finish();
        return new InhibitRule(source, target, equal);
    }

    private ReceiverConfig receiver(YamlNode node, Path dir, Map<String, Object> globals, NotificationTemplates renderer,
                                    Set<YamlNode> secrets) throws ConfigException {
        Block b = Block.of(node, "config.Receiver");
        String name = b.string("name", "");
        if (name == null || name.isEmpty()) {
            throw Block.error(b.location(), "missing name in receiver");
        }
        List<IntegrationConfig> integrations = new ArrayList<>();
        for (YamlNode.Entry e : b.take(k -> k.endsWith("_configs"))) {
            String type = e.key().substring(0, e.key().length() - "_configs".length());
            NotifierFactory factory = notifiers.apply(type);
            if (factory == null && waitForMissingPlugins) {
                integrations.addAll(waiting(e, type, secrets));
                continue;
            }
            if (factory == null) {
                throw Block.error(e.keyLocation(), "receiver \"" + name + "\": " + e.key() + ": no notifier plugin of type \""
                        + type + "\" is installed" + (KNOWN_INTEGRATIONS.contains(type) ? "" : " (not an Alertmanager integration either)"));
            }
            if (!(e.value() instanceof YamlNode.Sequence seq)) {
                throw Block.error(e.keyLocation(), e.key() + ": expected a list, got " + YamlNode.kind(e.value()));
            }
            int index = 0;
            for (YamlNode item : seq.items()) {
                if (!(item instanceof YamlNode.Mapping m)) {
                    throw Block.error(item.location(), e.key() + ": expected a mapping, got " + YamlNode.kind(item));
                }
                Set<String> secretPaths = new HashSet<>(BLOCK_SECRETS);
                secretPaths.addAll(factory.secretFields());
                secrets.addAll(YamlWriter.scalarsAt(m, secretPaths));
                @SuppressWarnings("unchecked")
                Map<String, Object> values = new LinkedHashMap<>((Map<String, Object>) Block.plain(m));
                boolean sendResolved = factory.sendResolvedByDefault();
                if (values.containsKey("send_resolved")) {
                    Object v = values.remove("send_resolved");
                    if (!(v instanceof Boolean bool)) {
                        throw Block.error(m.entries().get("send_resolved").keyLocation(), "send_resolved: expected true or false, got " + v);
                    }
                    sendResolved = bool;
                }
                PluginConfig config = new PluginConfig(e.key(), values, item.location().toString(), locations(m));
                NotifierContext context = new StaticNotifierContext(name, dir, globals, renderer, sendResolved);
                validateBlock(factory, type, config, context, "receiver \"" + name + "\": " + e.key() + "[" + index + "]: ");
                integrations.add(new IntegrationConfig(type, index++, config, sendResolved));
            }
        }
        b.finish();
        return new ReceiverConfig(name, integrations);
    }

    /** The blocks of a key no installed plugin owns, unvalidated: they wait for the plugin. */
    private static List<IntegrationConfig> waiting(YamlNode.Entry e, String type, Set<YamlNode> secrets) throws ConfigException {
        if (!(e.value() instanceof YamlNode.Sequence seq)) {
            throw Block.error(e.keyLocation(), e.key() + ": expected a list, got " + YamlNode.kind(e.value()));
        }
        List<IntegrationConfig> result = new ArrayList<>();
        int index = 0;
        for (YamlNode item : seq.items()) {
            if (!(item instanceof YamlNode.Mapping m)) {
                throw Block.error(item.location(), e.key() + ": expected a mapping, got " + YamlNode.kind(item));
            }
            // Which fields are secret is the plugin's to say: mask every value until it is there.
            secrets.addAll(YamlWriter.scalarsUnder(m));
            @SuppressWarnings("unchecked")
            Map<String, Object> values = new LinkedHashMap<>((Map<String, Object>) Block.plain(m));
            result.add(new IntegrationConfig(type, index++, new PluginConfig(e.key(), values, item.location().toString(), locations(m)),
                    false, false));
        }
        return result;
    }

    /**
     * A block that waited for its plugin, validated by {@code factory} now that it is there, as
     * the loader validates blocks whose plugin was installed: {@code send_resolved} read (the
     * plugin's default when absent), the rest checked by the plugin. A validated block is
     * returned as it is.
     *
     * @throws ConfigException naming the receiver, block and file:line:col when the plugin refuses it
     */
    public static IntegrationConfig resolve(IntegrationConfig integration, String receiver, NotifierFactory factory,
                                            NotifierContext context) throws ConfigException {
        if (integration.validated()) {
            return integration;
        }
        PluginConfig written = integration.config();
        Map<String, Object> values = new LinkedHashMap<>(written.values());
        boolean sendResolved = factory.sendResolvedByDefault();
        if (values.containsKey("send_resolved")) {
            Object v = values.remove("send_resolved");
            if (!(v instanceof Boolean bool)) {
                throw new ConfigException(written.location() + ": receiver \"" + receiver + "\": " + written.key()
                        + ": send_resolved: expected true or false, got " + v);
            }
            sendResolved = bool;
        }
        PluginConfig config = new PluginConfig(written.key(), values, written.location(), written.locations());
        validateBlock(factory, integration.type(), config, context, "receiver \"" + receiver + "\": " + written.key() + "["
                + integration.index() + "]: ");
        return new IntegrationConfig(integration.type(), integration.index(), config, sendResolved, true);
    }

    /**
     * Where each entry of an integration block is written, by path inside the block ({@code url},
     * {@code http_config.tls_config.ca_file}, {@code headers[0]}), as the config loader gives
     * discovery blocks: a plugin's {@code config.error(field, ...)} then names the field's
     * file:line:col, not only the block's.
     */
    static Map<String, String> locations(YamlNode.Mapping block) {
        return io.promethium.config.yaml.EntryLocations.of(block);
    }

    /**
     * Calls the plugin's {@code validate}, its error re-worded to name the receiver and block and
     * keeping the plugin's field and location; a plugin's bug (a runtime exception) is a config
     * error naming the block, as for discoverers and config sections, not a crashed loader.
     */
    private static void validateBlock(NotifierFactory factory, String type, PluginConfig config, NotifierContext context,
                                      String where) throws ConfigException {
        try {
            factory.validate(config, context);
        } catch (ConfigException ex) {
            throw new ConfigException(inBlock(ex.getMessage(), where), ex.location(), ex.field(), ex);
        } catch (RuntimeException ex) {
            throw new ConfigException(inBlock(config.location() + ": the " + type + " notifier plugin failed validating the block: "
                    + ex, where), config.location(), config.key(), ex);
        }
    }

    private static final java.util.regex.Pattern LOCATION = java.util.regex.Pattern.compile("^\\S+:\\d+:\\d+: ");

    /** A plugin's error with the receiver and block index put after its file:line:col, so the message names all three. */
    static String inBlock(String message, String where) {
        java.util.regex.Matcher m = LOCATION.matcher(message);
        return m.find() ? m.group() + where + message.substring(m.end()) : where + message;
    }

    private static TimeIntervals timeIntervals(YamlNode node, String key) throws ConfigException {
        Block b = Block.of(node, "config.TimeInterval");
        String name = b.string("name", "");
        if (name == null || name.isEmpty()) {
            throw Block.error(b.location(), key + ": missing name in time interval");
        }
        List<TimeIntervals.Interval> list = new ArrayList<>();
        for (YamlNode item : b.list("time_intervals")) {
            list.add(interval(item));
        }
        b.finish();
        return new TimeIntervals(name, list);
    }

    private static final List<String> WEEKDAYS = List.of("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday");
    private static final List<String> MONTHS = List.of("january", "february", "march", "april", "may", "june", "july",
            "august", "september", "october", "november", "december");

    private static TimeIntervals.Interval interval(YamlNode node) throws ConfigException {
        Block b = Block.of(node, "timeinterval.TimeInterval");
        List<TimeIntervals.Times> times = new ArrayList<>();
        for (YamlNode t : b.list("times")) {
            Block tb = Block.of(t, "timeinterval.TimeRange");
            int start = minuteOfDay(tb.string("start_time", null), tb.at("start_time"));
            int end = minuteOfDay(tb.string("end_time", null), tb.at("end_time"));
            if (start >= end) {
                throw Block.error(tb.location(), "start time cannot be equal or greater than end time");
            }
            tb.finish();
            times.add(new TimeIntervals.Times(start, end));
        }
        List<TimeIntervals.Range> weekdays = ranges(b, "weekdays", s -> named(s, WEEKDAYS, 0), 0, 6, false);
        List<TimeIntervals.Range> days = ranges(b, "days_of_month", Integer::parseInt, -31, 31, true);
        List<TimeIntervals.Range> months = ranges(b, "months", s -> named(s, MONTHS, 1), 1, 12, false);
        List<TimeIntervals.Range> years = ranges(b, "years", Integer::parseInt, 0, 9999, false);
        ZoneId location = null;
        String loc = b.string("location", null);
        if (loc != null) {
            try {
                location = loc.equals("Local") ? ZoneId.systemDefault() : ZoneId.of(loc);
            } catch (DateTimeException e) {
                throw Block.error(b.at("location"), "unknown time zone " + loc);
            }
        }
        b.finish();
        return new TimeIntervals.Interval(times, weekdays, days, months, years, location);
    }

    private static int named(String s, List<String> names, int first) {
        int i = names.indexOf(s.toLowerCase(Locale.ROOT));
        if (i >= 0) {
            return i + first;
        }
        return Integer.parseInt(s);
    }

    private static List<TimeIntervals.Range> ranges(Block b, String key, Function<String, Integer> parse, int min, int max,
                                                    boolean noZero) throws ConfigException {
        List<TimeIntervals.Range> out = new ArrayList<>();
        for (String s : b.strings(key)) {
            String[] parts = s.split(":", -1);
            if (parts.length > 2) {
                throw Block.error(b.at(key), key + ": invalid range " + s);
            }
            int start;
            int end;
            try {
                start = parse.apply(parts[0].strip());
                end = parts.length == 2 ? parse.apply(parts[1].strip()) : start;
            } catch (NumberFormatException e) {
                throw Block.error(b.at(key), key + ": invalid value " + s);
            }
            if (start < min || end > max || start > max || end < min || (noZero && (start == 0 || end == 0))) {
                throw Block.error(b.at(key), key + ": " + s + " is out of range");
            }
            if ((start >= 0) == (end >= 0) && start > end) {
                throw Block.error(b.at(key), key + ": start " + start + " is after end " + end + " in " + s);
            }
            out.add(new TimeIntervals.Range(start, end));
        }
        return out;
    }

    private static int minuteOfDay(String s, Location at) throws ConfigException {
        if (s == null || !s.matches("\\d{2}:\\d{2}")) {
            throw Block.error(at, "couldn't parse timestamp " + s + ", invalid format");
        }
        int h = Integer.parseInt(s.substring(0, 2));
        int m = Integer.parseInt(s.substring(3));
        if (h > 24 || m > 59 || (h == 24 && m != 0)) {
            throw Block.error(at, "timestamp " + s + " out of range");
        }
        return h * 60 + m;
    }

    /**
     * A context for validation and for building notifiers; the logger is named for the receiver.
     * The plugin context (metrics, HTTP clients applying {@code http_config}, threads) is the
     * server's when the runtime builds notifiers (their metrics show on {@code /metrics}); the
     * five-argument form, for validation, has a registry of its own. The {@code tracer} is the
     * Alertmanager's (Tracer.NONE for validation): the clients {@link #httpClients()} makes trace
     * their sends with it, as Alertmanager's notifiers' {@code otelhttp} transport does.
     */
    public record StaticNotifierContext(String receiver, Path configDirectory, Map<String, Object> globals,
                                        io.promethium.api.notify.TemplateRenderer templates, boolean sendResolved,
                                        io.promethium.api.plugin.PluginContext plugin, io.promethium.api.trace.Tracer tracer)
            implements NotifierContext {

        public StaticNotifierContext {
            java.util.Objects.requireNonNull(tracer, "tracer is null");
        }

        public StaticNotifierContext(String receiver, Path configDirectory, Map<String, Object> globals,
                                     io.promethium.api.notify.TemplateRenderer templates, boolean sendResolved,
                                     io.promethium.api.plugin.PluginContext plugin) {
            this(receiver, configDirectory, globals, templates, sendResolved, plugin, io.promethium.api.trace.Tracer.NONE);
        }

        public StaticNotifierContext(String receiver, Path configDirectory, Map<String, Object> globals,
                                     io.promethium.api.notify.TemplateRenderer templates, boolean sendResolved) {
            this(receiver, configDirectory, globals, templates, sendResolved, io.promethium.config.plugin.KernelPluginContext.of(
                    "notifier", receiver, configDirectory == null ? Path.of("").toAbsolutePath() : configDirectory,
                    new io.promethium.config.plugin.PluginMetricsRegistry(), new io.promethium.config.http.KernelHttpClientFactory()));
        }

        @Override
        public Logger logger() {
            return Logger.getLogger("io.promethium.alertmanager.notify." + receiver);
        }

        @Override
        public String owner() {
            return receiver;
        }

        @Override
        public io.promethium.api.plugin.MetricsRegistrar metrics() {
            return plugin.metrics();
        }

        @Override
        public io.promethium.api.http.HttpClientFactory httpClients() {
            return io.promethium.api.notify.HttpDelivery.traced(plugin.httpClients(), tracer);
        }

        @Override
        public java.util.concurrent.ThreadFactory threads() {
            return plugin.threads();
        }
    }

    /** For error listings: the types a set of factories provides. */
    public static String types(Set<String> types) {
        return new TreeSet<>(types).toString();
    }
}

package io.promethium.scrape.internal;

import io.promethium.api.config.Durations;
import io.promethium.api.model.Labels;
import io.promethium.config.model.ScrapeConfig;
import io.promethium.config.relabel.Relabeler;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Prometheus's {@code PopulateLabels}: from a discovered target and its group, the labels the
 * target is scraped with. Defaults for {@code job}, {@code __scheme__}, {@code __metrics_path__},
 * {@code __scrape_interval__}, {@code __scrape_timeout__} and {@code __param_<name>} are set
 * before {@code relabel_configs} run, {@code __meta_*} labels are removed after, and
 * {@code instance} defaults to the address.
 */
public final class TargetBuilder {

    public static final String ADDRESS = "__address__";
    public static final String SCHEME = "__scheme__";
    public static final String METRICS_PATH = "__metrics_path__";
    public static final String SCRAPE_INTERVAL = "__scrape_interval__";
    public static final String SCRAPE_TIMEOUT = "__scrape_timeout__";
    public static final String PARAM_PREFIX = "__param_";
    public static final String META_PREFIX = "__meta_";
    public static final String JOB = "job";
    public static final String INSTANCE = "instance";

    private final ScrapeConfig config;
    private final Relabeler relabeler;

    public TargetBuilder(ScrapeConfig config) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.relabeler = new Relabeler(config.relabelConfigs());
    }

    /**
     * The outcome for one target.
     *
     * @param discovered the labels before relabeling (for the targets API)
     * @param labels the final labels, internal {@code __} labels included; null when dropped or invalid
     * @param error why the target is invalid, or null
     */
    public record Result(Labels discovered, Labels labels, String error) {
        public boolean dropped() {
            return labels == null;
        }
    }

    public Result build(Labels target, Labels group) {
        Labels.Builder lb = Labels.builder();
        group.forEach(lb::set);
        // Target labels win over group labels.
        target.forEach(lb::set);
        setIfAbsent(lb, JOB, config.jobName());
        setIfAbsent(lb, SCRAPE_INTERVAL, Durations.format(config.scrapeInterval()));
        setIfAbsent(lb, SCRAPE_TIMEOUT, Durations.format(config.scrapeTimeout()));
        setIfAbsent(lb, METRICS_PATH, config.metricsPath());
        setIfAbsent(lb, SCHEME, config.scheme());
        for (Map.Entry<String, List<String>> param : config.params().entrySet()) {
            if (!param.getValue().isEmpty()) {
                setIfAbsent(lb, PARAM_PREFIX + param.getKey(), param.getValue().get(0));
            }
        }
        Labels discovered = lb.build();
        if (!relabeler.process(lb)) {
            return new Result(discovered, null, null);
        }
        String address = lb.get(ADDRESS);
        if (address.isEmpty()) {
            return new Result(discovered, null, "no address");
        }
        if (address.indexOf('/') >= 0) {
            return new Result(discovered, null, "\"" + address + "\" is not a valid hostname");
        }
        Duration interval;
        Duration timeout;
        try {
            interval = Durations.parse(lb.get(SCRAPE_INTERVAL));
        } catch (IllegalArgumentException e) {
            return new Result(discovered, null, "error parsing scrape interval: " + e.getMessage());
        }
        try {
            timeout = Durations.parse(lb.get(SCRAPE_TIMEOUT));
        } catch (IllegalArgumentException e) {
            return new Result(discovered, null, "error parsing scrape timeout: " + e.getMessage());
        }
        if (interval.isZero()) {
            return new Result(discovered, null, "scrape interval cannot be 0");
        }
        if (timeout.isZero()) {
            return new Result(discovered, null, "scrape timeout cannot be 0");
        }
        if (timeout.compareTo(interval) > 0) {
            return new Result(discovered, null, "scrape timeout cannot be greater than scrape interval (\""
                    + lb.get(SCRAPE_TIMEOUT) + "\" > \"" + lb.get(SCRAPE_INTERVAL) + "\")");
        }
        Labels relabeled = lb.build();
        for (int i = 0; i < relabeled.size(); i++) {
            if (relabeled.name(i).startsWith(META_PREFIX)) {
                lb.remove(relabeled.name(i));
            }
        }
        setIfAbsent(lb, INSTANCE, address);
        return new Result(discovered, lb.build(), null);
    }

    private static void setIfAbsent(Labels.Builder lb, String name, String value) {
        if (lb.get(name).isEmpty()) {
            lb.set(name, value);
        }
    }

    /** The labels a target adds to its samples: everything but the internal {@code __} labels. */
    public static Labels publicLabels(Labels labels) {
        Labels.Builder lb = Labels.builder();
        for (int i = 0; i < labels.size(); i++) {
            if (!labels.name(i).startsWith("__")) {
                lb.set(labels.name(i), labels.value(i));
            }
        }
        return lb.build();
    }

    /**
     * The URL to scrape: {@code __scheme__://__address____metrics_path__?params}, where the
     * {@code __param_<name>} labels replace the first value of the configured parameter.
     *
     * @throws IllegalArgumentException naming the bad part when the labels make no valid URL
     */
    public static URI scrapeUrl(Labels labels, Map<String, List<String>> configParams) {
        Map<String, List<String>> params = new TreeMap<>();
        configParams.forEach((k, v) -> params.put(k, new ArrayList<>(v)));
        for (int i = 0; i < labels.size(); i++) {
            String name = labels.name(i);
            if (name.startsWith(PARAM_PREFIX)) {
                List<String> values = params.computeIfAbsent(name.substring(PARAM_PREFIX.length()), k -> new ArrayList<>());
                if (values.isEmpty()) {
                    values.add(labels.value(i));
                } else {
                    values.set(0, labels.value(i));
                }
            }
        }
        StringBuilder url = new StringBuilder();
        url.append(labels.get(SCHEME)).append("://").append(labels.get(ADDRESS));
        String path = labels.get(METRICS_PATH);
        if (!path.startsWith("/")) {
            url.append('/');
        }
        url.append(path);
        char separator = '?';
        for (Map.Entry<String, List<String>> param : params.entrySet()) {
            for (String value : param.getValue()) {
                url.append(separator).append(encode(param.getKey())).append('=').append(encode(value));
                separator = '&';
            }
        }
        try {
            URI uri = new URI(url.toString());
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("\"" + labels.get(ADDRESS) + "\" is not a valid host:port address");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid scrape URL \"" + url + "\": " + e.getMessage());
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

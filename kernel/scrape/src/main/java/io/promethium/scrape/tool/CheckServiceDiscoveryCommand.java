package io.promethium.scrape.tool;

import io.promethium.goformat.GoStrings;
import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.api.tool.CommandLine;
import io.promethium.api.tool.Tool;
import io.promethium.config.ConfigLoader;
import io.promethium.config.InstalledPlugins;
import io.promethium.config.http.KernelHttpClientFactory;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.config.model.ScrapeConfig;
import io.promethium.config.model.StaticConfig;
import io.promethium.config.plugin.KernelPluginContext;
import io.promethium.config.plugin.PluginMetricsRegistry;
import io.promethium.goformat.GoDurations;
import io.promethium.scrape.internal.TargetBuilder;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.osgi.service.component.annotations.Component;

/**
 * {@code promethium check service-discovery [--timeout=30s] CONFIG JOB}: as promtool's command,
 * runs the job's discovery once (its {@code static_configs} and every {@code <type>_sd_configs}
 * block, with the discovery plugins found as {@code check config} finds them: those of
 * {@code bundles/} and {@code plugins/}, plus the candidate plugins of the folder a
 * {@code --plugins.dir} after the command words names, which the launcher adds), builds each
 * discovered target as the scrape pools do (defaults, {@code relabel_configs}, {@code instance})
 * and prints a JSON array of {@code discoveredLabels}, {@code labels} and {@code error}, formatted
 * as Go's {@code json.MarshalIndent} writes it.
 *
 * <p>Where this differs from promtool, on purpose: it stops as soon as every block has sent its
 * first update (the {@link Discoverer} contract makes that the whole initial state) instead of
 * always waiting out {@code --timeout}; the results come in a stable order (static targets, then
 * the blocks in config order, each block's groups in the order they arrived) where promtool's
 * order is random; a group a discoverer sent again replaces the earlier one; {@code error} is the
 * message, where promtool's Go error has no JSON form and prints as {@code {}}.
 */
@Component(service = Tool.class)
public final class CheckServiceDiscoveryCommand implements Tool {

    private static final String SD_SUFFIX = "_sd_configs";
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /**
     * {@code --plugins.dir} and {@code --bundles.dir} are the launcher's: it reads them to choose the
     * jars of this class path ({@code --plugins.dir} here adds candidate plugins), so they are taken and not read here.
     */
    private static final CommandLine.Reader READER = CommandLine.reader().valued("timeout", "plugins.dir", "bundles.dir");

    private final Supplier<InstalledPlugins> plugins;

    /** Uses the plugins on the launcher's flat class path. */
    public CheckServiceDiscoveryCommand() {
        this(InstalledPlugins::find);
    }

    /** Uses the plugins {@code plugins} supplies (tests). */
    public CheckServiceDiscoveryCommand(Supplier<InstalledPlugins> plugins) {
        this.plugins = plugins;
    }

    @Override
    public String name() {
        return "check service-discovery";
    }

    @Override
    public String help() {
        return "[--timeout=30s] [--plugins.dir=DIR] CONFIG JOB  Run a job's service discovery and relabelling once and print the targets "
                + "(as promtool check service-discovery).";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws InterruptedException {
        Duration timeout;
        List<String> positional;
        CommandLine line;
        try {
            line = READER.read(args);
            timeout = line.has("timeout") ? GoDurations.parse(line.value("timeout", null)) : DEFAULT_TIMEOUT;
            positional = line.arguments("config-file", "job");
        } catch (CommandLine.UsageException | IllegalArgumentException e) {
            return usage(err, e.getMessage());
        }
        Path file = Path.of(positional.get(0));
        String jobName = positional.get(1);
        if (!Files.exists(file)) {
            return usage(err, "path '" + file + "' does not exist");
        }
        // promtool's global --enable-feature: none changes discovery; unknown names are warned about, as promtool.
        line.features(out);
        InstalledPlugins installed = plugins.get();
        PrometheusConfig config;
        try {
            config = new ConfigLoader(installed.keys()).load(file);
        } catch (ConfigException e) {
            err.println("Cannot load config " + e.getMessage());
            return 1;
        }
        ScrapeConfig job = null;
        for (ScrapeConfig scrape : config.scrapeConfigs()) {
            if (scrape.jobName().equals(jobName)) {
                job = scrape;
                break;
            }
        }
        if (job == null) {
            err.println("Job " + jobName + " not found. Select one of:");
            for (ScrapeConfig scrape : config.scrapeConfigs()) {
                err.println("\t" + scrape.jobName());
            }
            return 1;
        }
        Path base = job.directoryOr(file.toAbsolutePath().getParent());
        List<Block> blocks = new ArrayList<>();
        try {
            for (PluginConfig sd : job.discoveryConfigs()) {
                String type = sd.key().endsWith(SD_SUFFIX) ? sd.key().substring(0, sd.key().length() - SD_SUFFIX.length()) : sd.key();
                DiscovererFactory factory = installed.discovererFactories().get(type);
                if (factory == null) {
                    // The loader refuses a key no plugin owns; a factory gone since is said the same way.
                    err.println("Could not create new discoverer " + sd.location() + ": " + sd.key() + ": no discovery plugin of type "
                            + type + " is installed");
                    return 1;
                }
                Discoverer discoverer;
                try {
                    discoverer = factory.create(sd, KernelPluginContext.of(type, jobName, base, new PluginMetricsRegistry(),
                            new KernelHttpClientFactory()));
                } catch (ConfigException | RuntimeException e) {
                    err.println("Could not create new discoverer " + e.getMessage());
                    return 1;
                }
                blocks.add(new Block(discoverer));
            }
            return discover(job, blocks, timeout, out, err);
        } finally {
            for (Block block : blocks) {
                try {
                    block.discoverer.close();
                } catch (RuntimeException e) {
                    err.println("closing a discoverer: " + e);
                }
            }
        }
    }

    private static int discover(ScrapeConfig job, List<Block> blocks, Duration timeout, PrintStream out, PrintStream err)
            throws InterruptedException {
        CountDownLatch first = new CountDownLatch(blocks.size());
        for (Block block : blocks) {
            try {
                block.discoverer.start(groups -> block.update(groups, first));
            } catch (RuntimeException e) {
                err.println("Could not start discoverer " + e);
                return 1;
            }
        }
        if (!first.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            // As promtool: what arrived within the timeout is printed, the rest is not waited for.
            err.println("warning: " + first.getCount() + " of " + blocks.size()
                    + " service discovery blocks sent nothing within --timeout=" + GoDurations.format(timeout));
        }
        TargetBuilder builder = new TargetBuilder(job);
        List<String> results = new ArrayList<>();
        List<StaticConfig> statics = job.staticConfigs();
        for (StaticConfig sc : statics) {
            List<Labels> targets = new ArrayList<>();
            for (String address : sc.targets()) {
                targets.add(Labels.of(TargetBuilder.ADDRESS, address));
            }
            results.addAll(results(builder, job, new TargetGroup("static", targets, sc.labels())));
        }
        for (Block block : blocks) {
            for (TargetGroup group : block.snapshot()) {
                results.addAll(results(builder, job, group));
            }
        }
        out.print(results.isEmpty() ? "[]" : "[\n" + String.join(",\n", results) + "\n]");
        out.flush();
        return 0;
    }

    /** The results of one group as JSON objects, each once (as promtool, which drops repeats within a source). */
    private static Set<String> results(TargetBuilder builder, ScrapeConfig job, TargetGroup group) {
        Set<String> results = new LinkedHashSet<>();
        for (Labels target : group.targets()) {
            TargetBuilder.Result result = builder.build(target, group.labels());
            String error = result.error();
            Labels labels = result.labels();
            if (labels != null) {
                try {
                    // The scrape pool refuses a target whose labels make no URL; say so here too.
                    TargetBuilder.scrapeUrl(labels, job.params());
                } catch (IllegalArgumentException e) {
                    error = e.getMessage();
                    labels = null;
                }
            }
            StringBuilder json = new StringBuilder("  {\n    \"discoveredLabels\": ");
            GoJson.labels(json, result.discovered(), "    ");
            json.append(",\n    \"labels\": ");
            GoJson.labels(json, labels == null ? Labels.EMPTY : labels, "    ");
            if (error != null) {
                json.append(",\n    \"error\": ");
                GoJson.string(json, error);
            }
            results.add(json.append("\n  }").toString());
        }
        return results;
    }

    private static int usage(PrintStream err, String message) {
        err.println("promethium check service-discovery: error: " + message + ", try --help");
        return 1;
    }

    /** One discovery block's discoverer and the latest group of each source it sent. */
    private static final class Block {
        final Discoverer discoverer;
        private final Map<String, TargetGroup> groups = new LinkedHashMap<>();
        private boolean reported;

        Block(Discoverer discoverer) {
            this.discoverer = discoverer;
        }

        synchronized void update(List<TargetGroup> update, CountDownLatch first) {
            for (TargetGroup group : update) {
                if (group.targets().isEmpty()) {
                    groups.remove(group.source());
                } else {
                    groups.put(group.source(), group);
                }
            }
            if (!reported) {
                reported = true;
                first.countDown();
            }
        }

        synchronized List<TargetGroup> snapshot() {
            return List.copyOf(groups.values());
        }
    }

    /**
     * The JSON Go's {@code json.MarshalIndent(v, "", "  ")} writes for promtool's results: label
     * sets as objects with sorted keys ({@code {}} when empty), strings with {@code <}, {@code >},
     * {@code &}, control characters and U+2028/U+2029 escaped. Written by hand because Jackson's
     * pretty printer spaces differently ({@code "a" : 1}, {@code [ ]}).
     */
    static final class GoJson {

        private GoJson() {
        }

        static void labels(StringBuilder sb, Labels labels, String indent) {
            if (labels.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append("{\n");
            for (int i = 0; i < labels.size(); i++) {
                sb.append(indent).append("  ");
                string(sb, labels.name(i));
                sb.append(": ");
                string(sb, labels.value(i));
                sb.append(i + 1 < labels.size() ? ",\n" : "\n");
            }
            sb.append(indent).append('}');
        }

        static void string(StringBuilder sb, String s) {
            GoStrings.appendJson(sb, s, true); // promtool prints with json.MarshalIndent
        }
    }
}

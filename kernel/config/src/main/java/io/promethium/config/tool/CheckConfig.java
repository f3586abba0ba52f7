package io.promethium.config.tool;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.Durations;
import io.promethium.api.tool.CommandLine;
import io.promethium.config.ConfigLoader;
import io.promethium.config.InstalledPlugins;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.config.model.ScrapeConfig;
import io.promethium.config.yaml.YamlNode;
import io.promethium.config.yaml.YamlReader;
import io.promethium.goformat.GoDurations;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code promethium check config [--syntax-only] [--lint=duplicate-rules] [--lint-fatal] [--agent]
 * [--ignore-unknown-fields] [--query.lookback-delta=5m] [--enable-feature=NAME,...] [--plugins.dir=DIR] FILE...}: Prometheus 3's
 * {@code promtool check config}. Validates config files on a flat class path, with the discovery
 * plugins found by ServiceLoader, and then does what promtool does beyond parsing: rule files
 * named without a {@code *} must exist, the credentials and TLS client files it checks must exist
 * ({@link ReferencedFiles}), file_sd target files must hold valid target groups, and the rule files
 * are checked as {@code check rules} checks them (with the experimental PromQL syntax
 * {@code --enable-feature} allows). {@code --syntax-only} skips everything that reads other files.
 *
 * <p>{@code --lint} takes a comma-separated list of {@code all}, {@code duplicate-rules} (the
 * default), {@code too-long-scrape-interval} (a scrape interval of at least
 * {@code --query.lookback-delta} leaves gaps) and {@code none}; {@code --lint-fatal} makes lint
 * findings exit 3. {@code --agent} checks the file as an agent's config ({@code alerting},
 * {@code rule_files} and {@code remote_read} refused). {@code --plugins.dir} is the launcher's: it
 * adds that folder's plugin jars to the installed ones for this run (see docs/plugins.md).
 * Exit 0 when all is valid, 1 otherwise (usage errors too, as promtool), 3 for lint findings
 * under {@code --lint-fatal}.
 */
public final class CheckConfig {

    private static final String RULE_CHECKER = "io.promethium.rules.tool.CheckRules";
    private static final int LINT_EXIT = 3;
    private static final java.util.Set<String> RULE_LINTS = java.util.Set.of("all", "duplicate-rules", "none");

    /** {@code --plugins.dir} is read by the launcher (it chooses the class path's jars), so it is taken and not read here. */
    private static final CommandLine.Reader READER = CommandLine.reader()
            .bool("syntax-only", "lint-fatal", "agent", "ignore-unknown-fields")
            .valued("lint", "query.lookback-delta", "plugins.dir");

    private CheckConfig() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** promtool's {@code configLintConfig}: the options for the rule files and the scrape interval bound (zero: off). */
    private record Lint(List<String> ruleOptions, Duration lookbackDelta) {

        static Lint parse(String value, Duration lookbackDelta) {
            boolean none = false;
            Duration delta = Duration.ZERO;
            List<String> rules = new ArrayList<>();
            for (String option : value.split(",", -1)) {
                switch (option) {
                    case "all", "too-long-scrape-interval" -> {
                        delta = lookbackDelta;
                        if (option.equals("all")) {
                            rules.add(option);
                        }
                    }
                    case "none" -> none = true;
                    default -> rules.add(option);
                }
            }
            return none ? new Lint(List.of(), Duration.ZERO) : new Lint(rules, delta);
        }
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean syntaxOnly;
        boolean agent;
        boolean fatal;
        boolean ignoreUnknownFields;
        Lint lint;
        List<String> files;
        List<String> features = new ArrayList<>();
        try {
            CommandLine line = READER.read(List.of(args));
            files = line.arguments(1, Integer.MAX_VALUE, "config-files");
            syntaxOnly = line.flag("syntax-only");
            agent = line.flag("agent");
            fatal = line.flag("lint-fatal");
            ignoreUnknownFields = line.flag("ignore-unknown-fields");
            Duration delta;
            try {
                // promtool's flag is kingpin's Duration: Go's syntax ("1h30m", "1.5h"; no "1d").
                delta = GoDurations.parse(line.value("query.lookback-delta", "5m"));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.UsageException(e.getMessage());
            }
            lint = Lint.parse(line.value("lint", "duplicate-rules"), delta);
            // promtool's global flag: warned about first; what promtool knows goes on to the rule files' check.
            for (String name : line.features(out)) {
                if (CommandLine.PROMTOOL_FEATURES.contains(name)) {
                    features.add(name);
                }
            }
        } catch (CommandLine.UsageException e) {
            err.println("promethium check config: error: " + e.getMessage() + ", try --help");
            return 1;
        }
        // As promtool, the rule lint options it does not know are warnings, said once before any file.
        String ruleLint = String.join(",", lint.ruleOptions());
        List<String> knownRuleLint = new ArrayList<>();
        if (!ruleLint.isEmpty()) {
            for (String option : ruleLint.split(",", -1)) {
                if (RULE_LINTS.contains(option)) {
                    knownRuleLint.add(option);
                } else {
                    out.println("WARNING: unknown lint option: \"" + option + "\"");
                }
            }
        }
        ConfigLoader loader = new ConfigLoader(InstalledPlugins.find().keys(), agent);
        boolean failed = false;
        boolean hasErrors = false;
        for (String arg : files) {
            out.println("Checking " + arg);
            List<Path> ruleFiles = List.of();
            PrometheusConfig config = null;
            try {
                Path file = Path.of(arg);
                config = loader.load(file);
                // As promtool, also under --syntax-only: static targets relabelled as the scrape and the notifier would.
                StaticTargetCheck.check(config);
                if (!syntaxOnly) {
                    ruleFiles = checkReferencedFiles(file, config, out);
                    if (!ruleFiles.isEmpty()) {
                        out.println("  SUCCESS: " + ruleFiles.size() + " rule files found");
                    }
                }
                out.println(" SUCCESS: " + arg + " is valid prometheus config file syntax");
            } catch (ConfigException e) {
                err.println("  FAILED: " + e.getMessage());
                failed = true;
                hasErrors = true;
                config = null;
                ruleFiles = List.of();
            }
            out.println();
            if (syntaxOnly) {
                continue;
            }
            if (config != null && tooLongScrapeInterval(config, lint.lookbackDelta(), err)) {
                failed = true;
            }
            if (!ruleFiles.isEmpty()) {
                int code = checkRules(ruleFiles, knownRuleLint, ignoreUnknownFields, features, out, err);
                failed |= code != 0;
                hasErrors |= code != 0 && code != LINT_EXIT;
            }
        }
        if (failed && hasErrors) {
            return 1;
        }
        return failed && fatal ? LINT_EXIT : 0;
    }

    /** promtool's {@code too-long-scrape-interval} lint: the first job scraped no more often than the lookback delta. */
    private static boolean tooLongScrapeInterval(PrometheusConfig config, Duration lookbackDelta, PrintStream err) {
        if (lookbackDelta.isZero() || lookbackDelta.isNegative()) {
            return false;
        }
        for (ScrapeConfig scrape : config.scrapeConfigs()) {
            if (scrape.scrapeInterval().compareTo(lookbackDelta) >= 0) {
                err.println("  FAILED: too long scrape interval found, data point will be marked as stale - job: " + scrape.jobName()
                        + ", interval: " + Durations.format(scrape.scrapeInterval()));
                return true;
            }
        }
        return false;
    }

    /** The checks that read other files; returns the rule files the patterns match. */
    private static List<Path> checkReferencedFiles(Path file, PrometheusConfig config, PrintStream out) throws ConfigException {
        Path base = file.toAbsolutePath().getParent();
        YamlNode root;
        try {
            root = new YamlReader().read(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
        String where = root instanceof YamlNode.Mapping m && m.entries().get("rule_files") != null
                ? m.entries().get("rule_files").keyLocation().toString() : file.toString();
        List<Path> ruleFiles = new ArrayList<>();
        for (String pattern : config.ruleFiles()) {
            List<Path> matches;
            try {
                matches = FileGlobs.expand(base, pattern);
            } catch (IOException e) {
                throw new ConfigException(where + ": rule_files: \"" + pattern + "\": " + e.getMessage(), e);
            }
            // As promtool: only a '*' makes a pattern that matches nothing acceptable; one with just
            // '?', '[' or '\\' (rules\\second.rules, c:\\absolute\\third.rules) names a file that must be there.
            if (!pattern.contains("*")) {
                if (matches.isEmpty()) {
                    // Quoted as Go's %q quotes it: a backslash doubled.
                    throw new ConfigException(where + ": rule_files: \"" + pattern.replace("\\", "\\\\").replace("\"", "\\\"")
                            + "\" does not point to an existing file");
                }
                if (!Files.isRegularFile(matches.get(0)) || !Files.isReadable(matches.get(0))) {
                    throw new ConfigException(where + ": rule_files: error checking rule file \"" + pattern + "\": not a readable file");
                }
            }
            ruleFiles.addAll(matches);
        }
        ReferencedFiles.check(config, file.getParent());
        new FileSdCheck(base, out).check(root);
        return ruleFiles;
    }

    /** Runs the rules bundle's checker on the rule files, as promtool runs check rules after the config. */
    /** Returns check rules' exit code: 0, 1 for invalid files, 3 for lint findings only. */
    private static int checkRules(List<Path> ruleFiles, List<String> lint, boolean ignoreUnknownFields, List<String> features,
            PrintStream out, PrintStream err) {
        Method run;
        try {
            // The launcher's loader (the context loader) holds the bundles kept off the JVM's class
            // path, the rules bundle among them; it delegates to the JVM's loader for the rest.
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            Class<?> checker = Class.forName(RULE_CHECKER, true, context != null ? context : CheckConfig.class.getClassLoader());
            run = checker.getMethod("run", String[].class, PrintStream.class, PrintStream.class);
        } catch (ReflectiveOperationException | LinkageError e) {
            err.println("  FAILED: cannot check the rule files: the rules bundle is not installed (" + e + ")");
            return 1;
        }
        // --lint-fatal always, so that 3 tells lint findings from invalid files; the caller decides the exit code.
        List<String> args = new ArrayList<>(List.of("--lint=" + String.join(",", lint), "--lint-fatal"));
        if (ignoreUnknownFields) {
            args.add("--ignore-unknown-fields");
        }
        if (!features.isEmpty()) {
            args.add("--enable-feature=" + String.join(",", features));
        }
        args.add("--");
        ruleFiles.forEach(f -> args.add(f.toString()));
        try {
            return (int) run.invoke(null, args.toArray(String[]::new), out, err);
        } catch (InvocationTargetException e) {
            err.println("  FAILED: checking the rule files: " + e.getCause());
            return 1;
        } catch (IllegalAccessException e) {
            err.println("  FAILED: cannot check the rule files: " + e);
            return 1;
        }
    }
}

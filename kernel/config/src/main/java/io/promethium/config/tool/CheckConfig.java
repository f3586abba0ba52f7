package io.promethium.config.tool;

import io.promethium.api.config.ConfigException;
import io.promethium.api.tool.CommandLine;
import io.promethium.config.ConfigLoader;
import io.promethium.config.InstalledPlugins;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.config.yaml.YamlNode;
import io.promethium.config.yaml.YamlReader;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code promethium check config [--syntax-only] FILE...}: validates config files on a flat class
 * path, with the discovery plugins found by ServiceLoader, and then does what
 * {@code promtool check config} does beyond parsing: the files the config names must exist and be
 * readable (rule files, TLS certificates, keys and CAs, password, credential and token files),
 * file_sd target files must hold valid target groups, and the rule files are checked as
 * {@code check rules} checks them. {@code --syntax-only} skips everything that reads other files.
 * Exit 0 when all is valid, 1 otherwise (usage errors too, as promtool).
 */
public final class CheckConfig {

    private static final String RULE_CHECKER = "io.promethium.rules.tool.CheckRules";

    private static final CommandLine.Reader READER = CommandLine.reader().bool("syntax-only");

    private CheckConfig() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean syntaxOnly;
        List<String> files;
        try {
            CommandLine line = READER.read(List.of(args));
            files = line.arguments(1, Integer.MAX_VALUE, "config-files");
            syntaxOnly = line.flag("syntax-only");
        } catch (CommandLine.UsageException e) {
            err.println("promethium check config: error: " + e.getMessage() + ", try --help");
            return 1;
        }
        ConfigLoader loader = new ConfigLoader(InstalledPlugins.find().keys());
        boolean failed = false;
        for (String arg : files) {
            out.println("Checking " + arg);
            List<Path> ruleFiles = List.of();
            try {
                Path file = Path.of(arg);
                PrometheusConfig config = loader.load(file);
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
            }
            out.println();
            if (!ruleFiles.isEmpty() && !checkRules(ruleFiles, out, err)) {
                failed = true;
            }
        }
        return failed ? 1 : 0;
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
        List<String> problems = ReferencedFiles.problems(root, base);
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("\n", problems));
        }
        new FileSdCheck(base, out).check(root);
        return ruleFiles;
    }

    /** Runs the rules bundle's checker on the rule files, as promtool runs check rules after the config. */
    private static boolean checkRules(List<Path> ruleFiles, PrintStream out, PrintStream err) {
        Method run;
        try {
            // The launcher's loader (the context loader) holds the bundles kept off the JVM's class
            // path, the rules bundle among them; it delegates to the JVM's loader for the rest.
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            Class<?> checker = Class.forName(RULE_CHECKER, true, context != null ? context : CheckConfig.class.getClassLoader());
            run = checker.getMethod("run", String[].class, PrintStream.class, PrintStream.class);
        } catch (ReflectiveOperationException | LinkageError e) {
            err.println("  FAILED: cannot check the rule files: the rules bundle is not installed (" + e + ")");
            return false;
        }
        String[] args = ruleFiles.stream().map(Path::toString).toArray(String[]::new);
        try {
            return (int) run.invoke(null, args, out, err) == 0;
        } catch (InvocationTargetException e) {
            err.println("  FAILED: checking the rule files: " + e.getCause());
            return false;
        } catch (IllegalAccessException e) {
            err.println("  FAILED: cannot check the rule files: " + e);
            return false;
        }
    }
}

package io.promethium.alertmanager.tool;

import io.promethium.alertmanager.config.AlertmanagerConfig;
import io.promethium.alertmanager.config.AlertmanagerConfigLoader;
import io.promethium.api.config.ConfigException;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.tool.CommandLine;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * {@code promethium check alertmanager-config [--plugins.dir=DIR] FILE...}: amtool's
 * {@code check-config}. Loads each file with the notifier plugins found on the class path (the
 * installed ones, plus the candidates of {@code --plugins.dir}, which the launcher adds) and prints
 * what amtool prints; exits 1 when any file is invalid or on a usage error.
 */
public final class CheckAlertmanagerConfig {

    /** {@code --plugins.dir} is read by the launcher (it adds that folder's plugin jars to the class path), so it is taken and not read here. */
    private static final CommandLine.Reader READER = CommandLine.reader().valued("plugins.dir");

    private CheckAlertmanagerConfig() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> files;
        try {
            files = READER.read(List.of(args)).arguments(1, Integer.MAX_VALUE, "check-files");
        } catch (CommandLine.UsageException e) {
            err.println("promethium check alertmanager-config: error: " + e.getMessage() + ", try --help");
            return 1;
        }
        Map<String, NotifierFactory> factories = new HashMap<>();
        for (NotifierFactory f : ServiceLoader.load(NotifierFactory.class, Thread.currentThread().getContextClassLoader())) {
            factories.put(f.type(), f);
        }
        AlertmanagerConfigLoader loader = new AlertmanagerConfigLoader(factories::get);
        int failed = 0;
        for (String arg : files) {
            out.println("Checking '" + arg + "'");
            try {
                AlertmanagerConfig c = loader.load(Path.of(arg));
                out.println("  SUCCESS");
                out.println("Found:");
                out.println(" - global config");
                out.println(" - route");
                out.println(" - " + c.inhibitRules().size() + " inhibit rules");
                out.println(" - " + c.receivers().size() + " receivers");
                out.println(" - " + c.templates().size() + " templates");
                for (Path t : c.templateFiles()) {
                    out.println("  SUCCESS");
                }
                out.println();
            } catch (ConfigException e) {
                out.println("  FAILED: " + e.getMessage());
                out.println();
                failed++;
            }
        }
        if (failed > 0) {
            err.println("promethium: error: failed to validate " + failed + " file(s)");
            return 1;
        }
        return 0;
    }
}

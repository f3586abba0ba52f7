package io.promethium.alertmanager.tool;

import io.promethium.alertmanager.config.AlertmanagerConfig;
import io.promethium.alertmanager.config.AlertmanagerConfigLoader;
import io.promethium.api.config.ConfigException;
import io.promethium.api.notify.NotifierFactory;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * {@code promethium check alertmanager-config FILE...}: amtool's {@code check-config}. Loads each
 * file with the notifier plugins found on the class path and prints what amtool prints; exits 1
 * when any file is invalid.
 */
public final class CheckAlertmanagerConfig {

    private CheckAlertmanagerConfig() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println("usage: promethium check alertmanager-config FILE...");
            return 1;
        }
        Map<String, NotifierFactory> factories = new HashMap<>();
        for (NotifierFactory f : ServiceLoader.load(NotifierFactory.class, Thread.currentThread().getContextClassLoader())) {
            factories.put(f.type(), f);
        }
        AlertmanagerConfigLoader loader = new AlertmanagerConfigLoader(factories::get);
        int failed = 0;
        for (String arg : args) {
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

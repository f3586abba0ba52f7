package io.promethium.alertmanager.tool;

import io.promethium.api.tool.Tool;
import java.io.PrintStream;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** {@code promethium check alertmanager-config}: this bundle's tool, found by the launcher through {@code META-INF/services}. */
@Component(service = Tool.class)
public final class CheckAlertmanagerConfigCommand implements Tool {

    @Override
    public String name() {
        return "check alertmanager-config";
    }

    @Override
    public String help() {
        return "[--plugins.dir=DIR] FILE...  Check whether alertmanager.yml files are valid (as amtool check-config); "
                + "--plugins.dir adds the plugin jars of DIR to the installed ones, to check a config before installing them.";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        return CheckAlertmanagerConfig.run(args.toArray(String[]::new), out, err);
    }
}

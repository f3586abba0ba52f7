package io.promethium.config.tool;

import io.promethium.api.tool.Tool;
import java.io.PrintStream;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** {@code promethium check config}: this bundle's tool, found by the launcher through {@code META-INF/services}. */
@Component(service = Tool.class)
public final class CheckConfigCommand implements Tool {

    @Override
    public String name() {
        return "check config";
    }

    @Override
    public String help() {
        return "[--syntax-only] [--lint=duplicate-rules] [--lint-fatal] [--agent] [--ignore-unknown-fields] [--enable-feature=NAME,...] [--plugins.dir=DIR] FILE...  "
                + "Check whether config files are valid (as promtool check config; --lint is all, duplicate-rules, "
                + "too-long-scrape-interval or none, --lint-fatal exits 3 on lint findings); --plugins.dir adds the plugin jars "
                + "of DIR to the installed ones, to check a config before installing them.";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        return CheckConfig.run(args.toArray(String[]::new), out, err);
    }
}

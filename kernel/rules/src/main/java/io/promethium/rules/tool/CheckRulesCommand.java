package io.promethium.rules.tool;

import io.promethium.api.tool.Tool;
import java.io.PrintStream;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** {@code promethium check rules}: this bundle's tool, found by the launcher through {@code META-INF/services}. */
@Component(service = Tool.class)
public final class CheckRulesCommand implements Tool {

    @Override
    public String name() {
        return "check rules";
    }

    @Override
    public String help() {
        return "[--lint=duplicate-rules] [--lint-fatal] [--ignore-unknown-fields] [--enable-feature=NAME,...] [FILE...]  Check whether rule "
                + "files (or standard input) are valid (as promtool check rules; --lint is all, duplicate-rules or none, --lint-fatal exits 3 "
                + "on lint findings, --enable-feature allows experimental PromQL).";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        return CheckRules.run(args.toArray(String[]::new), out, err);
    }
}

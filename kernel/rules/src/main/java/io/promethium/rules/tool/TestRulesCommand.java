package io.promethium.rules.tool;

import io.promethium.api.tool.Tool;
import java.io.PrintStream;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** {@code promethium test rules}: this bundle's tool, found by the launcher through {@code META-INF/services}. */
@Component(service = Tool.class)
public final class TestRulesCommand implements Tool {

    @Override
    public String name() {
        return "test rules";
    }

    @Override
    public String help() {
        return "[--run=REGEX]... [--debug] [--diff] [--ignore-unknown-fields] [--junit=FILE] [--enable-feature=NAME,...] FILE...  "
                + "Run rule unit tests (as promtool test rules: promtool's test file format and flags).";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        return TestRules.run(args.toArray(String[]::new), out, err);
    }
}

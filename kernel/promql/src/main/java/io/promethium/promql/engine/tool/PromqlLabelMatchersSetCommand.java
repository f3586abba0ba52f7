package io.promethium.promql.engine.tool;

import io.promethium.api.tool.Tool;
import java.io.PrintStream;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * {@code promethium promql label-matchers set [--type=T] --experimental QUERY NAME VALUE}: sets the
 * matcher of label NAME to {@code NAME T "VALUE"} ({@code T} one of {@code =}, {@code !=},
 * {@code =~}, {@code !~}; {@code =} by default) in every selector of the query, adding it where
 * there is none, and prints the query pretty-printed, as Prometheus 3's
 * {@code promtool --experimental promql label-matchers set} does.
 */
@Component(service = Tool.class)
public final class PromqlLabelMatchersSetCommand implements Tool {

    @Override
    public String name() {
        return "promql label-matchers set";
    }

    @Override
    public String help() {
        return "[-t TYPE] --experimental QUERY NAME VALUE  Set a label matcher in every selector of a query "
                + "(as promtool promql label-matchers set).";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        return LabelMatchersEdit.run(name(), args, true, List.of("query", "name", "value"),
                a -> LabelMatchersEdit.set(a.type(), a.positional().get(1), a.positional().get(2)), out, err);
    }
}

package io.promethium.promql.engine.tool;

import io.promethium.api.tool.Tool;
import java.io.PrintStream;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * {@code promethium promql label-matchers delete --experimental QUERY NAME}: removes the matchers
 * of label NAME from every selector of the query and prints it pretty-printed, as Prometheus 3's
 * {@code promtool --experimental promql label-matchers delete} does (quirks included: see
 * {@link LabelMatchersEdit#delete}).
 */
@Component(service = Tool.class)
public final class PromqlLabelMatchersDeleteCommand implements Tool {

    @Override
    public String name() {
        return "promql label-matchers delete";
    }

    @Override
    public String help() {
        return "--experimental QUERY NAME  Delete a label's matchers from every selector of a query "
                + "(as promtool promql label-matchers delete).";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        return LabelMatchersEdit.run(name(), args, false, List.of("query", "name"),
                a -> LabelMatchersEdit.delete(a.positional().get(1)), out, err);
    }
}

package io.promethium.promql.engine.tool;

import io.promethium.api.tool.CommandLine;
import io.promethium.api.tool.Tool;
import io.promethium.promql.parser.ParseException;
import io.promethium.promql.parser.ParserOptions;
import io.promethium.promql.parser.PromQLParser;
import io.promethium.promql.printer.PromQLPrinter;
import java.io.PrintStream;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * {@code promethium promql format [--experimental] QUERY}: prints the query in Prometheus's pretty
 * form, as Prometheus 3's {@code promtool --experimental promql format} does. Like promtool it
 * refuses to run without {@code --experimental} (given after the command words here); a query
 * that does not parse prints the parse error and exits 1.
 */
@Component(service = Tool.class)
public final class PromqlFormatCommand implements Tool {

    private static final CommandLine.Reader READER = CommandLine.reader().bool("experimental");

    @Override
    public String name() {
        return "promql format";
    }

    @Override
    public String help() {
        return "--experimental QUERY  Format a PromQL query in its pretty-printed form (as promtool promql format).";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        String query;
        boolean experimental;
        ParserOptions syntax;
        try {
            CommandLine line = READER.read(args);
            query = line.arguments("query").get(0);
            experimental = line.flag("experimental");
            syntax = ParserOptions.promtool(line.features(out));
        } catch (CommandLine.UsageException e) {
            err.println("promethium promql format: error: " + e.getMessage() + ", try --help");
            return 1;
        }
        if (!experimental) {
            err.println("This command is experimental and requires the --experimental flag to be set.");
            return 1;
        }
        try {
            out.println(PromQLPrinter.prettify(new PromQLParser(syntax).parse(query)));
            return 0;
        } catch (ParseException e) {
            err.println(e.getMessage());
            return 1;
        }
    }
}

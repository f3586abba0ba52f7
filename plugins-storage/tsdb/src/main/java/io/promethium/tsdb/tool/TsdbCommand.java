package io.promethium.tsdb.tool;

import io.promethium.api.tool.Tool;
import java.io.PrintStream;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** {@code promethium tsdb}: this bundle's tool, found by the launcher through {@code META-INF/services}. */
@Component(service = Tool.class)
public final class TsdbCommand implements Tool {

    @Override
    public String name() {
        return "tsdb";
    }

    @Override
    public String help() {
        return "list|analyze|dump|dump-openmetrics|wal-stats|create-blocks-from ...  TSDB tools over a data directory (promethium tsdb for their usage).";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        return TsdbTool.run(args, out, err);
    }
}

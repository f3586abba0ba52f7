package io.promethium.web.internal.bench;

import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the web bundle's JMH benchmarks and prints samples per second for each.
 *
 * <p>Run (about 2 minutes):
 * <pre>
 * mvn -B -q -pl kernel/web test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * java -cp kernel/web/target/test-classes:kernel/web/target/classes:$(cat kernel/web/target/bench.cp) \
 *     io.promethium.web.internal.bench.WebBenchmarks
 * </pre>
 */
public final class WebBenchmarks {

    private WebBenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include("io.promethium.web.internal.(query.ResultJson|remote.RemoteWrite)Benchmark")
                .build()).run();
        System.out.println();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            String param = r.getParams().getParamsKeys().isEmpty() ? "" : " " + r.getParams().getParam("values");
            double ms = r.getPrimaryResult().getScore();
            long samples = name.contains("ResultJson") ? 1_000_000L : 200_000L;
            System.out.printf("%-70s %9.2f ms/op  %8.1f M samples/s%n", name + param, ms, samples / ms / 1000.0);
        }
    }
}

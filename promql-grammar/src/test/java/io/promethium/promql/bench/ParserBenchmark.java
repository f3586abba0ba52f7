package io.promethium.promql.bench;

import io.promethium.promql.ast.Expr;
import io.promethium.promql.parser.PromQLParser;
import io.promethium.promql.printer.PromQLPrinter;
import io.promethium.promql.testing.ConformanceQueries;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Parse and print speed. Run with
 * {@code java -cp <test classpath> org.openjdk.jmh.Main ParserBenchmark} (see the module README).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ParserBenchmark {

    private static final String SIMPLE = "rate(http_requests_total{job=\"api\"}[5m])";
    private static final String COMPLEX = "histogram_quantile(0.99, sum by (le, job) (rate(http_request_duration_seconds_bucket"
            + "{job=\"api\", code=~\"2..\"}[5m]))) > on (job) group_left () 0.5 * avg_over_time(up[1h:1m] offset 5m)";

    private List<String> conformance;
    private Expr complexTree;

    @Setup
    public void setUp() {
        conformance = ConformanceQueries.all().stream().map(ConformanceQueries.Query::expr)
                .filter(q -> {
                    try {
                        PromQLParser.parseExpr(q);
                        return true;
                    } catch (RuntimeException e) {
                        return false;
                    }
                })
                .toList();
        complexTree = PromQLParser.parseExpr(COMPLEX);
    }

    @Benchmark
    public Expr parseSimple() {
        return PromQLParser.parseExpr(SIMPLE);
    }

    @Benchmark
    public Expr parseComplex() {
        return PromQLParser.parseExpr(COMPLEX);
    }

    /** Every accepted conformance query once; divide by the count printed in the README for per-query cost. */
    @Benchmark
    public void parseAllConformanceQueries(Blackhole bh) {
        for (String q : conformance) {
            bh.consume(PromQLParser.parseExpr(q));
        }
    }

    @Benchmark
    public String printComplex() {
        return PromQLPrinter.toString(complexTree);
    }
}

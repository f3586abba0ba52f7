package io.promethium.promql.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.promql.printer.PromQLPrinter;
import io.promethium.promql.testing.ConformanceQueries;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** ANTLR shares its prediction cache between parsers: parsing from many threads must give the same trees. */
class ConcurrentParsingTest {

    @Test
    void threadsParsingAtOnceGetTheSameResultsAsOneThread() throws Exception {
        List<String> queries = ConformanceQueries.all().stream().map(ConformanceQueries.Query::expr).toList();
        List<String> expected = queries.stream().map(ConcurrentParsingTest::outcome).toList();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int offset = t * 97;
                results.add(pool.submit(() -> {
                    // Each thread walks the queries from a different start, so different queries overlap in time.
                    String[] out = new String[queries.size()];
                    for (int i = 0; i < queries.size(); i++) {
                        int k = (i + offset) % queries.size();
                        out[k] = outcome(queries.get(k));
                    }
                    return List.of(out);
                }));
            }
            for (Future<List<String>> r : results) {
                assertThat(r.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String outcome(String query) {
        try {
            return PromQLPrinter.toString(PromQLParser.parseExpr(query));
        } catch (ParseException e) {
            return e.getMessage();
        }
    }
}

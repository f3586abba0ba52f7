package io.promethium.promql.engine.internal.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.promql.ast.Expr;
import io.promethium.promql.ast.NumberLiteral;
import io.promethium.promql.ast.PositionRange;
import io.promethium.promql.parser.ParserOptions;
import io.promethium.promql.parser.PromQLParser;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParsedQueriesTest {

    private static final PromQLParser PARSER = new PromQLParser(ParserOptions.ALL);

    private static Expr tree(double v) {
        return new NumberLiteral(v, new PositionRange(0, 1));
    }

    @Test
    void keepsTheTreeOfATextUntilItIsTheLeastRecentlyUsedBeyondTheBound() {
        ParsedQueries recent = new ParsedQueries();
        Expr first = tree(1);
        recent.put("q0", first);
        for (int i = 1; i < ParsedQueries.ENTRIES; i++) {
            recent.put("q" + i, tree(i));
        }
        assertThat(recent.get("q0")).isSameAs(first); // used: now the most recent
        recent.put("one more", tree(-1));
        assertThat(recent.get("q0")).isSameAs(first);
        assertThat(recent.get("q1")).isNull(); // the least recently used went
        assertThat(recent.get("q2")).isNotNull();
    }

    @Test
    void longTextsAreNotKept() {
        ParsedQueries recent = new ParsedQueries();
        String text = "1+".repeat(ParsedQueries.MAX_LENGTH) + "1";
        recent.put(text, tree(1));
        assertThat(recent.get(text)).isNull();
        assertThat(recent.ramBytesUsed()).isZero();
    }

    @Test
    void theEstimateGrowsWithEachPutByThatEntrysBytes() {
        ParsedQueries recent = new ParsedQueries();
        long sum = 0;
        for (int i = 0; i < 50; i++) {
            String text = query(i);
            Expr tree = PARSER.parse(text);
            long before = recent.ramBytesUsed();
            recent.put(text, tree);
            assertThat(recent.ramBytesUsed()).isGreaterThan(before);
            sum += recent.entryBytes(text, tree);
        }
        assertThat(recent.ramBytesUsed()).isEqualTo(sum);
        assertThat(recent.size()).isEqualTo(50);
    }

    @Test
    void aBiggerTreeCostsMore() {
        ParsedQueries recent = new ParsedQueries();
        String small = "up";
        String big = "sum by (job, instance) (rate(http_requests_total{job=~\"api|web\", code!=\"200\"}[5m])) / on (job) group_left (team) team_info";
        assertThat(recent.entryBytes(big, PARSER.parse(big))).isGreaterThan(recent.entryBytes(small, PARSER.parse(small)) + 500);
    }

    @Test
    void evictionTakesTheEvictedEntriesBytesOffSoTheEstimateIsTheSumOfThoseKept() {
        ParsedQueries recent = new ParsedQueries();
        // Big trees first, then small ones that push them out.
        for (int i = 0; i < ParsedQueries.ENTRIES; i++) {
            String text = query(i);
            recent.put(text, PARSER.parse(text));
        }
        long full = recent.ramBytesUsed();
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < ParsedQueries.ENTRIES; i++) {
            String text = Integer.toString(i);
            recent.put(text, PARSER.parse(text));
            kept.add(text);
        }
        assertThat(recent.size()).isEqualTo(ParsedQueries.ENTRIES);
        assertThat(recent.ramBytesUsed()).isLessThan(full / 2);
        long sum = 0;
        for (String text : kept) {
            sum += recent.entryBytes(text, recent.get(text));
        }
        assertThat(recent.ramBytesUsed()).isEqualTo(sum);
    }

    @Test
    void replacingATextsTreeCountsOnlyTheNewTree() {
        ParsedQueries recent = new ParsedQueries();
        String text = query(7);
        recent.put(text, PARSER.parse(text));
        Expr again = PARSER.parse(text);
        recent.put(text, again);
        assertThat(recent.ramBytesUsed()).isEqualTo(recent.entryBytes(text, again));
    }

    /**
     * The estimate against the heap the JVM reports for 1,000 varied parsed queries kept (texts
     * built anew, so that the cache holds the only reference): within 60-140 %. Measured twice at
     * most, as a collection in another thread's allocations may blur one reading.
     */
    @Test
    void theEstimateIsCloseToTheHeapTheEntriesHold() {
        int n = 1_000;
        // Warm the parser up (ANTLR's shared DFA cache grows with new inputs) before measuring.
        for (int i = 0; i < n; i++) {
            PARSER.parse(query(i));
        }
        double ratio = 0;
        // Other tests' garbage in this JVM can be freed between the two readings: up to five tries.
        for (int attempt = 0; attempt < 5; attempt++) {
            long before = usedHeap();
            ParsedQueries recent = new ParsedQueries();
            for (int i = 0; i < n; i++) {
                String text = query(i);
                recent.put(text, PARSER.parse(text));
            }
            long after = usedHeap();
            ratio = (double) recent.ramBytesUsed() / (after - before);
            System.out.printf("parse cache: %d entries, estimate %d bytes, heap %d bytes, ratio %.2f%n",
                    recent.size(), recent.ramBytesUsed(), after - before, ratio);
            assertThat(recent.size()).isEqualTo(n);
            if (after > before && ratio >= 0.6 && ratio <= 1.4) {
                break;
            }
        }
        assertThat(ratio).isBetween(0.6, 1.4);
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static final String[] METRICS = {"http_requests_total", "node_cpu_seconds_total", "up", "process_resident_memory_bytes",
        "apiserver_request_duration_seconds_bucket"};
    private static final String[] SHAPES = {
        "%s offset %dm",
        "%s{job=\"job%d\"}",
        "rate(%s{job=\"job%d\", code=~\"5..\"}[5m])",
        "sum by (job, instance) (rate(%s{instance=~\"host-%d.*\"}[1m]))",
        "histogram_quantile(0.9, sum by (le) (rate(%s{path!=\"/p%d\"}[5m])))",
        "%s{env=\"e%d\"} / on (job) group_left (team) team_info",
        "max_over_time(%s{shard=\"%d\"}[1h:1m] offset 5m)",
        "topk(%d, %s)",
        "label_replace(%s, \"dst\", \"$1\", \"src\", \"(prod|staging)-(eu|us)-%d\")",
        "-(%s > %d) or vector(1)",
        "count_values(\"v\", %s{a=\"%d\", b!~\"x|y\"}) * 2 + 1",
    };

    /** A query among hundreds of distinct shapes, metric names and literals. */
    private static String query(int i) {
        String shape = SHAPES[i % SHAPES.length];
        String metric = METRICS[(i / SHAPES.length) % METRICS.length];
        int k = i / (SHAPES.length * METRICS.length) + 1;
        return shape.startsWith("topk") ? String.format(shape, k, metric) : String.format(shape, metric, k);
    }
}

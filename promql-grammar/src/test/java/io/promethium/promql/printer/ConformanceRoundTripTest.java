package io.promethium.promql.printer;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.promql.ast.Expr;
import io.promethium.promql.parser.ParseException;
import io.promethium.promql.parser.PromQLParser;
import io.promethium.promql.testing.Asts;
import io.promethium.promql.testing.ConformanceQueries;
import io.promethium.promql.testing.ConformanceQueries.Query;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every query of the PromQL conformance scripts: parse, print, parse again, same tree. */
class ConformanceRoundTripTest {

    @Test
    void everyQueryOutsideTheExperimentalFilesParses() {
        List<Query> queries = ConformanceQueries.all();
        assertThat(queries).hasSizeGreaterThan(2000);
        List<String> failures = new ArrayList<>();
        for (Query q : queries) {
            if (ConformanceQueries.EXPERIMENTAL_SYNTAX.contains(q.file())) {
                continue;
            }
            try {
                PromQLParser.parseExpr(q.expr());
            } catch (ParseException e) {
                failures.add(q + " " + q.expr() + " -> " + e.getMessage());
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void printingAndReparsingGivesTheSameTree() {
        int roundTripped = 0;
        List<String> failures = new ArrayList<>();
        for (Query q : ConformanceQueries.all()) {
            Expr tree;
            try {
                tree = PromQLParser.parseExpr(q.expr());
            } catch (ParseException e) {
                continue; // the experimental syntax; covered by the test above
            }
            String printed = PromQLPrinter.toString(tree);
            try {
                Expr again = PromQLParser.parseExpr(printed);
                if (!Asts.normalize(again).equals(Asts.normalize(tree))) {
                    failures.add(q + " " + q.expr() + " printed as " + printed + " parses differently");
                } else if (!PromQLPrinter.toString(again).equals(printed)) {
                    failures.add(q + " printing is not stable: " + printed + " then " + PromQLPrinter.toString(again));
                }
                Expr pretty = PromQLParser.parseExpr(PromQLPrinter.prettify(tree));
                if (!Asts.normalize(pretty).equals(Asts.normalize(tree))) {
                    failures.add(q + " prettified form parses differently: " + PromQLPrinter.prettify(tree));
                }
                roundTripped++;
            } catch (ParseException e) {
                failures.add(q + " " + q.expr() + " printed as " + printed + " fails: " + e.getMessage());
            }
        }
        assertThat(failures).isEmpty();
        assertThat(roundTripped).isGreaterThan(1800);
    }
}

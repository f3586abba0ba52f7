package io.promethium.promql.engine.tool;

import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.tool.CommandLine;
import io.promethium.promql.ast.AggregateExpr;
import io.promethium.promql.ast.BinaryExpr;
import io.promethium.promql.ast.Call;
import io.promethium.promql.ast.Expr;
import io.promethium.promql.ast.MatrixSelector;
import io.promethium.promql.ast.NumberLiteral;
import io.promethium.promql.ast.ParenExpr;
import io.promethium.promql.ast.StringLiteral;
import io.promethium.promql.ast.SubqueryExpr;
import io.promethium.promql.ast.UnaryExpr;
import io.promethium.promql.ast.VectorSelector;
import io.promethium.promql.parser.ParseException;
import io.promethium.promql.parser.ParserOptions;
import io.promethium.promql.parser.PromQLParser;
import io.promethium.promql.printer.PromQLPrinter;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What {@code promtool promql label-matchers set|delete} (Prometheus 3) does to a query: every
 * vector selector (those of range selectors and subqueries too) gets its matchers of one label
 * name changed, and the query is printed in its pretty form, as {@code promql format} prints it.
 * The argument handling both commands share is here too: promtool's global {@code --experimental}
 * is accepted among the command's words, and the commands refuse to run without it.
 */
final class LabelMatchersEdit {

    private LabelMatchersEdit() {
    }

    /** The arguments after the flags: positional words, and {@code --type}/{@code -t} when {@code typed}. */
    record Args(List<String> positional, String type, ParserOptions syntax) {
    }

    private static final CommandLine.Reader UNTYPED = CommandLine.reader().bool("experimental");
    private static final CommandLine.Reader TYPED = UNTYPED.choice("type", "=", "!=", "=~", "!~").shortName('t', "type");

    /**
     * Parses the words as kingpin does for these commands: {@code --experimental} anywhere,
     * {@code --type=T}, {@code --type T}, {@code -t T} or {@code -tT} when {@code typed}, {@code --}
     * ending the flags, and exactly the named positional arguments; {@code null} without
     * {@code --experimental}.
     */
    static Args parse(List<String> args, boolean typed, List<String> names, PrintStream out) throws CommandLine.UsageException {
        CommandLine line = (typed ? TYPED : UNTYPED).read(args);
        List<String> positional = line.arguments(names.toArray(String[]::new));
        ParserOptions syntax = ParserOptions.promtool(line.features(out));
        return line.flag("experimental") ? new Args(positional, line.value("type", "="), syntax) : null;
    }

    /** Runs one command: parses its words, edits the query with {@code edit}, prints the result. */
    static int run(String command, List<String> args, boolean typed, List<String> names,
            java.util.function.Function<Args, UnaryOperator<List<Matcher>>> edit, PrintStream out, PrintStream err) {
        Args parsed;
        try {
            parsed = parse(args, typed, names, out);
        } catch (CommandLine.UsageException e) {
            err.println("promethium " + command + ": error: " + e.getMessage() + ", try --help");
            return 1;
        }
        if (parsed == null) {
            err.println("This command is experimental and requires the --experimental flag to be set.");
            return 1;
        }
        Expr expr;
        try {
            expr = new PromQLParser(parsed.syntax()).parse(parsed.positional().get(0));
        } catch (ParseException e) {
            err.println(e.getMessage());
            return 1;
        }
        try {
            out.println(PromQLPrinter.prettify(mapSelectors(expr, selectorEdit(edit.apply(parsed)))));
            return 0;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 1;
        }
    }

    private static UnaryOperator<VectorSelector> selectorEdit(UnaryOperator<List<Matcher>> matchers) {
        return vs -> new VectorSelector(vs.name(), matchers.apply(vs.matchers()), vs.offsetMillis(), vs.atMillis(),
                vs.atKind(), vs.position(), vs.modifier(), vs.offsetExpr());
    }

    /**
     * {@code set}: every matcher of {@code name} gets the new type and value; a selector without one
     * gets a new matcher, last.
     *
     * @throws IllegalArgumentException for a regular expression that does not compile (promtool
     *     prints it as given: an invalid query)
     */
    static UnaryOperator<List<Matcher>> set(String type, String name, String value) {
        MatchType matchType = Arrays.stream(MatchType.values()).filter(t -> t.operator().equals(type)).findFirst().orElseThrow();
        Matcher replacement = Matcher.of(matchType, name, value);
        return matchers -> {
            List<Matcher> result = new ArrayList<>(matchers.size() + 1);
            boolean found = false;
            for (Matcher m : matchers) {
                if (m.name().equals(name)) {
                    result.add(replacement);
                    found = true;
                } else {
                    result.add(m);
                }
            }
            if (!found) {
                result.add(replacement);
            }
            return result;
        };
    }

    /**
     * {@code delete}, exactly as promtool's loop removes elements from the slice it ranges over:
     * the matcher after a removed one is not looked at, so of two matchers of the name in a row
     * only the first goes; where Go's slicing then goes out of bounds (promtool panics), this is
     * an error.
     */
    static UnaryOperator<List<Matcher>> delete(String name) {
        return matchers -> {
            Matcher[] slice = matchers.toArray(new Matcher[0]);
            int length = slice.length;
            for (int i = 0; i < slice.length; i++) {
                if (slice[i].name().equals(name)) {
                    if (i + 1 > length) {
                        throw new IllegalArgumentException("cannot delete " + name + ": promtool fails on this query "
                                + "(slice bounds out of range [" + (i + 1) + ":" + length + "])");
                    }
                    System.arraycopy(slice, i + 1, slice, i, length - i - 1);
                    length--;
                }
            }
            return Arrays.asList(slice).subList(0, length);
        };
    }

    /** {@code e} with every vector selector replaced by {@code f} of it. */
    static Expr mapSelectors(Expr e, UnaryOperator<VectorSelector> f) {
        return switch (e) {
            case VectorSelector vs -> f.apply(vs);
            case MatrixSelector ms -> new MatrixSelector(f.apply(ms.selector()), ms.rangeMillis(), ms.position(), ms.rangeExpr());
            case SubqueryExpr sq -> new SubqueryExpr(mapSelectors(sq.expr(), f), sq.rangeMillis(), sq.stepMillis(),
                    sq.offsetMillis(), sq.atMillis(), sq.atKind(), sq.position(), sq.rangeExpr(), sq.stepExpr(), sq.offsetExpr());
            case AggregateExpr a -> new AggregateExpr(a.op(), mapSelectors(a.expr(), f),
                    a.param() == null ? null : mapSelectors(a.param(), f), a.grouping(), a.without(), a.position());
            case BinaryExpr b -> new BinaryExpr(b.op(), mapSelectors(b.lhs(), f), mapSelectors(b.rhs(), f), b.matching(),
                    b.returnBool(), b.position());
            case Call c -> new Call(c.function(), c.args().stream().map(x -> mapSelectors(x, f)).toList(), c.position());
            case ParenExpr p -> new ParenExpr(mapSelectors(p.expr(), f), p.position());
            case UnaryExpr u -> new UnaryExpr(u.op(), mapSelectors(u.expr(), f), u.position());
            case NumberLiteral n -> n;
            case StringLiteral s -> s;
        };
    }
}

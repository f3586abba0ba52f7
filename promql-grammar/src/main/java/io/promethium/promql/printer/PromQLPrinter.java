package io.promethium.promql.printer;

import io.promethium.api.model.Matcher;
import io.promethium.promql.ast.AggregateExpr;
import io.promethium.promql.ast.AtModifier;
import io.promethium.promql.ast.BinaryExpr;
import io.promethium.promql.ast.Call;
import io.promethium.promql.ast.DurationExpr;
import io.promethium.promql.ast.Cardinality;
import io.promethium.promql.ast.Expr;
import io.promethium.promql.ast.MatrixSelector;
import io.promethium.promql.ast.NumberLiteral;
import io.promethium.promql.ast.ParenExpr;
import io.promethium.promql.ast.StringLiteral;
import io.promethium.promql.ast.SelectorModifier;
import io.promethium.promql.ast.SubqueryExpr;
import io.promethium.promql.ast.UnaryExpr;
import io.promethium.promql.ast.VectorMatching;
import io.promethium.promql.ast.VectorSelector;
import io.promethium.promql.parser.internal.Quoting;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Prints an AST as PromQL. {@link #toString(Expr)} is Prometheus's {@code String()} form: one
 * line, keywords lower case, matchers sorted, durations normalised ({@code 90s} → {@code 1m30s}).
 * Parsing the output gives back the same AST (up to positions and matcher order).
 */
public final class PromQLPrinter {

    /** Names that would not read back as a metric name if written bare (only hand-built trees have them). */
    private static final Set<String> RESERVED = Set.of("inf", "nan", "atan2", "on", "ignoring", "group_left",
            "group_right", "bool");

    private PromQLPrinter() {
    }

    /** The canonical single-line text of {@code expr}. */
    public static String toString(Expr expr) {
        StringBuilder b = new StringBuilder();
        write(b, expr);
        return b.toString();
    }

    /**
     * Prometheus's {@code prettier} form: single line when short, else indented over lines.
     * Trees of more than 2,000 nodes are returned in the single-line form.
     */
    public static String prettify(Expr expr) {
        return Prettifier.prettify(expr);
    }

    /**
     * Go's {@code strconv.Quote}, as Prometheus's messages use ({@code %q}): double quotes,
     * escapes for non-printable characters, {@code \xHH} for bytes that are not UTF-8.
     */
    public static String quote(String s) {
        return Quoting.goQuote(s);
    }

    static void write(StringBuilder b, Expr expr) {
        switch (expr) {
            case NumberLiteral n -> b.append(number(n.value()));
            case StringLiteral s -> b.append(Quoting.goQuote(s.value()));
            case ParenExpr p -> {
                b.append('(');
                write(b, p.expr());
                b.append(')');
            }
            case UnaryExpr u -> {
                b.append(u.op().symbol());
                write(b, u.expr());
            }
            case VectorSelector vs -> {
                selector(b, vs);
                atOffset(b, vs.atKind(), vs.atMillis(), vs.offsetMillis(), vs.offsetExpr());
                if (vs.modifier() != SelectorModifier.NONE) {
                    b.append(' ').append(vs.modifier().keyword());
                }
            }
            case MatrixSelector ms -> {
                VectorSelector vs = ms.selector();
                selector(b, vs);
                b.append('[');
                durationOrExpr(b, ms.rangeMillis(), ms.rangeExpr());
                b.append(']');
                atOffset(b, vs.atKind(), vs.atMillis(), vs.offsetMillis(), vs.offsetExpr());
                if (vs.modifier() != SelectorModifier.NONE) {
                    b.append(' ').append(vs.modifier().keyword());
                }
            }
            case SubqueryExpr sq -> {
                write(b, sq.expr());
                b.append('[');
                durationOrExpr(b, sq.rangeMillis(), sq.rangeExpr());
                b.append(':');
                if (sq.stepMillis() != 0 || sq.stepExpr() != null) {
                    durationOrExpr(b, sq.stepMillis(), sq.stepExpr());
                }
                b.append(']');
                atOffset(b, sq.atKind(), sq.atMillis(), sq.offsetMillis(), sq.offsetExpr());
            }
            case Call c -> {
                b.append(c.function().name()).append('(');
                for (int i = 0; i < c.args().size(); i++) {
                    if (i > 0) {
                        b.append(", ");
                    }
                    write(b, c.args().get(i));
                }
                b.append(')');
            }
            case AggregateExpr a -> {
                aggregateHead(b, a);
                b.append('(');
                if (a.param() != null) {
                    write(b, a.param());
                    b.append(", ");
                }
                write(b, a.expr());
                b.append(')');
            }
            case BinaryExpr be -> binary(b, be);
        }
    }

    /**
     * Long chains such as {@code a + b + c + ...} nest on the left: the spine is walked in a loop
     * so that printing needs no deeper stack than parsing did.
     */
    private static void binary(StringBuilder b, BinaryExpr root) {
        java.util.ArrayDeque<BinaryExpr> spine = new java.util.ArrayDeque<>();
        Expr current = root;
        while (current instanceof BinaryExpr be) {
            spine.push(be);
            current = be.lhs();
        }
        BinaryExpr innermost = spine.peek();
        powerBase(b, innermost);
        while (!spine.isEmpty()) {
            BinaryExpr be = spine.pop();
            b.append(' ');
            binaryOperator(b, be);
            b.append(' ');
            write(b, be.rhs());
        }
    }

    /**
     * The left operand. A signed literal there would read back as a sign applied to the whole
     * power ({@code -1 ^ 2} is {@code -(1 ^ 2)}), so +Inf loses its sign and a negative literal
     * (only possible in a hand-built tree) gets parentheses.
     */
    static void powerBase(StringBuilder b, BinaryExpr be) {
        if (be.op() == io.promethium.promql.ast.BinaryOp.POW && be.lhs() instanceof NumberLiteral n) {
            if (n.value() == Double.POSITIVE_INFINITY) {
                b.append("Inf");
                return;
            }
            String text = number(n.value());
            if (text.startsWith("-")) {
                b.append('(').append(text).append(')');
                return;
            }
        }
        write(b, be.lhs());
    }

    /** {@code sum by (job) } or {@code sum}: the operator and its grouping. */
    static void aggregateHead(StringBuilder b, AggregateExpr a) {
        b.append(a.op().keyword());
        if (a.without()) {
            b.append(" without (");
            labels(b, a.grouping());
            b.append(") ");
        } else if (!a.grouping().isEmpty()) {
            b.append(" by (");
            labels(b, a.grouping());
            b.append(") ");
        }
    }

    /** {@code + bool on (a) group_left (b)}: the operator with its modifiers. */
    static void binaryOperator(StringBuilder b, BinaryExpr be) {
        b.append(be.op().symbol());
        if (be.returnBool()) {
            b.append(" bool");
        }
        VectorMatching vm = be.matching();
        if (vm == null) {
            return;
        }
        boolean grouped = vm.card() == Cardinality.MANY_TO_ONE || vm.card() == Cardinality.ONE_TO_MANY;
        if (!vm.matchingLabels().isEmpty() || vm.on() || grouped) {
            b.append(vm.on() ? " on (" : " ignoring (");
            labels(b, vm.matchingLabels());
            b.append(')');
        }
        if (grouped) {
            b.append(vm.card() == Cardinality.MANY_TO_ONE ? " group_left (" : " group_right (");
            labels(b, vm.include());
            b.append(')');
        }
        if (vm.fillLeft() != null && vm.fillLeft().equals(vm.fillRight())) {
            b.append(" fill (").append(number(vm.fillLeft())).append(')');
        } else {
            if (vm.fillLeft() != null) {
                b.append(" fill_left (").append(number(vm.fillLeft())).append(')');
            }
            if (vm.fillRight() != null) {
                b.append(" fill_right (").append(number(vm.fillRight())).append(')');
            }
        }
    }

    /**
     * As Prometheus: the name outside the braces, then the other matchers sorted. A name that
     * cannot be written bare (hand-built trees only) becomes a {@code __name__} matcher.
     */
    private static void selector(StringBuilder b, VectorSelector vs) {
        String name = vs.name();
        boolean bareName = !name.isEmpty() && Quoting.isLegacyMetricName(name) && !RESERVED.contains(name.toLowerCase(Locale.ROOT));
        List<String> parts = new ArrayList<>(vs.matchers().size());
        boolean nameSkipped = false;
        for (Matcher m : vs.matchers()) {
            if (!nameSkipped && bareName && m.name().equals("__name__")
                    && m.type() == io.promethium.api.model.MatchType.EQUAL && m.value().equals(name)) {
                nameSkipped = true;
                continue;
            }
            parts.add(matcher(m));
        }
        if (!name.isEmpty() && !bareName && !nameSkipped && vs.matchers().stream().noneMatch(m -> m.name().equals("__name__"))) {
            parts.add(matcher(Matcher.equal("__name__", name)));
        }
        parts.sort(null);
        if (bareName) {
            b.append(name);
        }
        if (!parts.isEmpty()) {
            b.append('{').append(String.join(",", parts)).append('}');
        }
    }

    private static String matcher(Matcher m) {
        String name = Quoting.isLegacyLabelName(m.name()) ? m.name() : Quoting.goQuote(m.name());
        return name + m.type().operator() + Quoting.goQuote(m.value());
    }

    private static void labels(StringBuilder b, List<String> labels) {
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) {
                b.append(", ");
            }
            String l = labels.get(i);
            b.append(Quoting.isLegacyLabelName(l) ? l : Quoting.goQuote(l));
        }
    }

    private static void durationOrExpr(StringBuilder b, long millis, DurationExpr expr) {
        if (expr == null) {
            b.append(duration(millis));
        } else {
            durationExpr(b, expr);
        }
    }

    /** Duration arithmetic as Prometheus prints it: operators spaced, literals as written (number or duration). */
    static void durationExpr(StringBuilder b, DurationExpr d) {
        switch (d) {
            case DurationExpr.Literal l -> {
                if (l.duration()) {
                    long ms = Math.round(l.value() * 1000);
                    b.append(ms < 0 ? "-" + duration(-ms) : duration(ms));
                } else {
                    b.append(number(l.value()));
                }
            }
            case DurationExpr.Negate n -> {
                b.append('-');
                durationExpr(b, n.operand());
            }
            case DurationExpr.Paren p -> {
                b.append('(');
                durationExpr(b, p.inner());
                b.append(')');
            }
            case DurationExpr.Binary bin -> {
                durationExpr(b, bin.lhs());
                b.append(' ').append(bin.op().symbol()).append(' ');
                durationExpr(b, bin.rhs());
            }
            case DurationExpr.QueryValue q -> b.append(q.range() ? "range()" : "step()");
            case DurationExpr.MinMax m -> {
                b.append(m.max() ? "max_of(" : "min_of(");
                durationExpr(b, m.lhs());
                b.append(", ");
                durationExpr(b, m.rhs());
                b.append(')');
            }
        }
    }

    private static void atOffset(StringBuilder b, AtModifier kind, Long atMillis, long offsetMillis, DurationExpr offsetExpr) {
        switch (kind) {
            case TIMESTAMP -> b.append(" @ ").append(BigDecimal.valueOf(atMillis, 3).toPlainString());
            case START -> b.append(" @ start()");
            case END -> b.append(" @ end()");
            case NONE -> {
            }
        }
        if (offsetExpr != null) {
            b.append(" offset ");
            durationExpr(b, offsetExpr);
        } else if (offsetMillis > 0) {
            b.append(" offset ").append(duration(offsetMillis));
        } else if (offsetMillis < 0) {
            b.append(" offset -").append(duration(-offsetMillis));
        }
    }

    /** Go's {@code FormatFloat(v, 'f', -1, 64)}: shortest digits, never an exponent. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return (1 / v) < 0 ? "-0" : "0";
        }
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }

    /** Prometheus's duration format: {@code 1h30m}; years and weeks only when exact. */
    static String duration(long millis) {
        if (millis == 0) {
            return "0s";
        }
        StringBuilder b = new StringBuilder();
        long ms = millis;
        long year = 365L * 24 * 3600 * 1000;
        long week = 7L * 24 * 3600 * 1000;
        if (ms % year == 0) {
            b.append(ms / year).append('y');
            return b.toString();
        }
        if (ms % week == 0) {
            b.append(ms / week).append('w');
            return b.toString();
        }
        long[] units = {24L * 3600 * 1000, 3600L * 1000, 60L * 1000, 1000L, 1L};
        String[] names = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < units.length; i++) {
            long v = ms / units[i];
            if (v > 0) {
                b.append(v).append(names[i]);
                ms -= v * units[i];
            }
        }
        return b.toString();
    }
}

package io.promethium.promql.parser.internal;

import static java.util.Objects.requireNonNull;

import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.promql.ast.AggregateExpr;
import io.promethium.promql.ast.AggregateOp;
import io.promethium.promql.ast.AtModifier;
import io.promethium.promql.ast.BinaryExpr;
import io.promethium.promql.ast.BinaryOp;
import io.promethium.promql.ast.Call;
import io.promethium.promql.ast.Cardinality;
import io.promethium.promql.ast.DurationExpr;
import io.promethium.promql.ast.Expr;
import io.promethium.promql.ast.Function;
import io.promethium.promql.ast.Functions;
import io.promethium.promql.ast.MatrixSelector;
import io.promethium.promql.ast.NumberLiteral;
import io.promethium.promql.ast.ParenExpr;
import io.promethium.promql.ast.PositionRange;
import io.promethium.promql.ast.StringLiteral;
import io.promethium.promql.ast.SubqueryExpr;
import io.promethium.promql.ast.UnaryExpr;
import io.promethium.promql.ast.UnaryOp;
import io.promethium.promql.ast.ValueType;
import io.promethium.promql.ast.VectorMatching;
import io.promethium.promql.ast.SelectorModifier;
import io.promethium.promql.ast.VectorSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Turns a parse tree into the AST, checking as it goes what the grammar cannot: which
 * expressions a modifier may follow, argument counts and types, vector matching. Messages
 * follow Prometheus's. Children are built (and checked) before their parent, as Prometheus
 * checks bottom-up.
 */
public final class AstBuilder extends PromQLBaseVisitor<Expr> {

    private static final String METRIC_NAME = "__name__";

    private final QueryText query;
    private final boolean experimental;
    /** Prometheus's promql-extended-range-selectors: the anchored and smoothed modifiers. */
    private final boolean extendedRangeSelectors;
    /** Prometheus's promql-duration-expr: arithmetic in ranges, steps and offsets. */
    private final boolean durationExpressions;
    /** Prometheus's promql-binop-fill-modifiers: fill(), fill_left(), fill_right(). */
    private final boolean fillModifiers;
    /** Types of the binary expressions built so far, so long chains are typed in constant time. */
    private final java.util.IdentityHashMap<Expr, ValueType> binaryTypes = new java.util.IdentityHashMap<>();
    /** Set while building info()'s second argument, whose selector may match everything. */
    private boolean allowEmptySelector;

    /**
     * @param options which experimental syntax (Prometheus's feature flags) is allowed
     */
    public AstBuilder(QueryText query, io.promethium.promql.parser.ParserOptions options) {
        this.query = requireNonNull(query, "query is null");
        this.experimental = options.experimentalFunctions();
        this.extendedRangeSelectors = options.extendedRangeSelectors();
        this.durationExpressions = options.durationExpressions();
        this.fillModifiers = options.fillModifiers();
    }

    @Override
    public Expr visitQuery(PromQL.QueryContext ctx) {
        return visit(ctx.expr());
    }

    // ---- literals ------------------------------------------------------------------------

    @Override
    public Expr visitNumberExpr(PromQL.NumberExprContext ctx) {
        Token t = ctx.getStart();
        return new NumberLiteral(numberValue(t), query.range(t));
    }

    @Override
    public Expr visitStringExpr(PromQL.StringExprContext ctx) {
        return new StringLiteral(string(ctx.STRING()), query.range(ctx));
    }

    @Override
    public Expr visitParenExpr(PromQL.ParenExprContext ctx) {
        return new ParenExpr(visit(ctx.expr()), query.range(ctx));
    }

    @Override
    public Expr visitUnaryExpr(PromQL.UnaryExprContext ctx) {
        Expr operand = visit(ctx.expr());
        PositionRange pos = query.range(ctx);
        boolean negate = ctx.op.getType() == PromQL.SUB;
        if (operand instanceof NumberLiteral n) {
            // As Prometheus: a sign directly on a number folds into the literal.
            return new NumberLiteral(negate ? -n.value() : n.value(), pos);
        }
        ValueType t = typeOf(operand);
        if (t != ValueType.SCALAR && t != ValueType.VECTOR) {
            throw query.error(pos, "unary expression only allowed on expressions of type scalar or instant vector, got \""
                    + t.documentedName() + "\"");
        }
        return new UnaryExpr(negate ? UnaryOp.NEG : UnaryOp.POS, operand, pos);
    }

    // ---- selectors -----------------------------------------------------------------------

    @Override
    public Expr visitSelectorExpr(PromQL.SelectorExprContext ctx) {
        return visitVectorSelector(ctx.vectorSelector());
    }

    @Override
    public Expr visitVectorSelector(PromQL.VectorSelectorContext ctx) {
        PositionRange pos = query.range(ctx);
        String name = ctx.metricName() == null ? "" : ctx.metricName().getText();
        List<Matcher> matchers = new ArrayList<>();
        if (ctx.labelMatchers() != null) {
            for (PromQL.MatcherContext m : ctx.labelMatchers().matcher()) {
                if (m.op == null) {
                    // {"my.metric"}: a quoted metric name inside the braces is just a matcher, as in Prometheus.
                    matchers.add(Matcher.equal(METRIC_NAME, string(m.STRING())));
                    continue;
                }
                String label = labelName(m.labelName());
                String value = string(m.STRING());
                MatchType type = switch (m.op.getType()) {
                    case PromQL.EQL -> MatchType.EQUAL;
                    case PromQL.NEQ -> MatchType.NOT_EQUAL;
                    case PromQL.EQL_REGEX -> MatchType.REGEX;
                    default -> MatchType.NOT_REGEX;
                };
                try {
                    matchers.add(Matcher.of(type, label, value));
                } catch (IllegalArgumentException e) {
                    throw query.error(query.range(m), e.getMessage());
                }
            }
        }
        if (!name.isEmpty()) {
            for (Matcher m : matchers) {
                if (m.name().equals(METRIC_NAME)) {
                    throw query.error(pos, "metric name must not be set twice: " + Quoting.goQuote(name)
                            + " or " + Quoting.goQuote(m.value()));
                }
            }
            // The name written outside the braces is matched last, as Prometheus does.
            matchers.add(Matcher.equal(METRIC_NAME, name));
        } else if (!allowEmptySelector && matchers.stream().allMatch(Matcher::matchesEmpty)) {
            throw query.error(pos, "vector selector must contain at least one non-empty matcher");
        }
        return new VectorSelector(name, matchers, 0, null, AtModifier.NONE, pos);
    }

    @Override
    public Expr visitMatrixExpr(PromQL.MatrixExprContext ctx) {
        Expr inner = visit(ctx.expr());
        PositionRange brackets = query.range(ctx.LEFT_BRACKET().getSymbol(), ctx.RIGHT_BRACKET().getSymbol());
        DurationExpr range = positiveDuration(ctx.durationExpr());
        if (!(inner instanceof VectorSelector vs)) {
            throw query.error(brackets, "ranges only allowed for vector selectors");
        }
        if (vs.offsetMillis() != 0 || vs.offsetExpr() != null) {
            throw query.error(brackets, "no offset modifiers allowed before range");
        }
        if (vs.atKind() != AtModifier.NONE) {
            throw query.error(brackets, "no @ modifiers allowed before range");
        }
        return range instanceof DurationExpr.Literal l
                ? new MatrixSelector(vs, millis(l), query.range(ctx))
                : new MatrixSelector(vs, 0, query.range(ctx), range);
    }

    @Override
    public Expr visitSubqueryExpr(PromQL.SubqueryExprContext ctx) {
        Expr inner = visit(ctx.expr());
        DurationExpr range = positiveDuration(ctx.durationExpr(0));
        DurationExpr step = ctx.step == null ? null : positiveDuration(ctx.step);
        PositionRange pos = query.range(ctx);
        if (typeOf(inner) != ValueType.VECTOR) {
            throw query.error(pos, "subquery is only allowed on instant vector, got " + internalName(typeOf(inner)) + " instead");
        }
        DurationExpr.Literal rangeLit = range instanceof DurationExpr.Literal l ? l : null;
        DurationExpr.Literal stepLit = step instanceof DurationExpr.Literal l ? l : null;
        return new SubqueryExpr(inner, rangeLit == null ? 0 : millis(rangeLit), stepLit == null ? 0 : millis(stepLit), 0, null,
                AtModifier.NONE, pos, rangeLit == null ? range : null, stepLit == null ? step : null, null);
    }

    @Override
    public Expr visitOffsetExpr(PromQL.OffsetExprContext ctx) {
        Expr inner = visit(ctx.expr());
        DurationExpr value = offset(ctx.offsetValue());
        Long offset = value instanceof DurationExpr.Literal l ? millis(l) : null;
        PositionRange pos = query.range(ctx);
        return switch (inner) {
            case VectorSelector vs -> {
                offsetOnce(vs.offsetMillis() != 0 || vs.offsetExpr() != null, inner);
                yield offset != null ? vs.withModifiers(offset, vs.atMillis(), vs.atKind(), pos) : vs.withOffsetExpr(value, pos);
            }
            case MatrixSelector ms -> {
                VectorSelector vs = ms.selector();
                offsetOnce(vs.offsetMillis() != 0 || vs.offsetExpr() != null, inner);
                yield ms.withSelector(offset != null ? vs.withModifiers(offset, vs.atMillis(), vs.atKind(), vs.position())
                        : vs.withOffsetExpr(value, vs.position()), pos);
            }
            case SubqueryExpr sq -> {
                offsetOnce(sq.offsetMillis() != 0 || sq.offsetExpr() != null, inner);
                yield offset != null ? sq.withModifiers(offset, sq.atMillis(), sq.atKind(), pos) : sq.withOffsetExpr(value, pos);
            }
            default -> throw query.error(inner.position(),
                    "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery");
        };
    }

    private void offsetOnce(boolean existing, Expr inner) {
        if (existing) {
            throw query.error(inner.position(), "offset may not be set multiple times");
        }
    }

    @Override
    public Expr visitRangeModifierExpr(PromQL.RangeModifierExprContext ctx) {
        Expr inner = visit(ctx.expr());
        PositionRange pos = query.range(ctx);
        SelectorModifier modifier = ctx.kind.getType() == PromQL.ANCHORED ? SelectorModifier.ANCHORED : SelectorModifier.SMOOTHED;
        if (!extendedRangeSelectors) {
            throw query.error(pos, modifier.keyword() + " modifier is experimental and must be enabled with"
                    + " --enable-feature=promql-extended-range-selectors");
        }
        return switch (inner) {
            case VectorSelector vs when vs.modifier() == SelectorModifier.NONE -> vs.withModifier(modifier, pos);
            case MatrixSelector ms when ms.selector().modifier() == SelectorModifier.NONE ->
                    ms.withSelector(ms.selector().withModifier(modifier, ms.selector().position()), pos);
            default -> throw query.error(inner.position(),
                    modifier.keyword() + " modifier must be preceded by an instant vector selector or range vector selector");
        };
    }

    @Override
    public Expr visitAtExpr(PromQL.AtExprContext ctx) {
        Expr inner = visit(ctx.expr());
        PromQL.AtValueContext at = ctx.atValue();
        AtModifier kind;
        Long millis = null;
        if (at.atFn != null) {
            kind = at.atFn.getType() == PromQL.START ? AtModifier.START : AtModifier.END;
        } else {
            kind = AtModifier.TIMESTAMP;
            double seconds = signedSeconds(at.signedNumber());
            if (Double.isNaN(seconds) || Double.isInfinite(seconds) || Math.abs(seconds) >= 9.223372036854776E15) {
                throw query.error(inner.position(), "timestamp out of bounds for @ modifier: " + goFloat(seconds));
            }
            millis = goRound(seconds * 1000);
        }
        PositionRange pos = query.range(ctx);
        return switch (inner) {
            case VectorSelector vs -> {
                atOnce(vs.atKind(), inner);
                yield vs.withModifiers(vs.offsetMillis(), millis, kind, pos);
            }
            case MatrixSelector ms -> {
                VectorSelector vs = ms.selector();
                atOnce(vs.atKind(), inner);
                yield ms.withSelector(vs.withModifiers(vs.offsetMillis(), millis, kind, vs.position()), pos);
            }
            case SubqueryExpr sq -> {
                atOnce(sq.atKind(), inner);
                yield sq.withModifiers(sq.offsetMillis(), millis, kind, pos);
            }
            default -> throw query.error(inner.position(),
                    "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery");
        };
    }

    private void atOnce(AtModifier existing, Expr inner) {
        if (existing != AtModifier.NONE) {
            throw query.error(inner.position(), "@ <timestamp> may not be set multiple times");
        }
    }

    // ---- operators -----------------------------------------------------------------------

    /**
     * Long chains such as {@code a + b + c + ...} nest on the left; walking that spine in a loop
     * keeps the stack flat however long the chain (checks still run bottom-up, left first).
     */
    @Override
    public Expr visitBinaryExpr(PromQL.BinaryExprContext ctx) {
        java.util.ArrayDeque<PromQL.BinaryExprContext> spine = new java.util.ArrayDeque<>();
        PromQL.ExprContext current = ctx;
        while (current instanceof PromQL.BinaryExprContext b) {
            spine.push(b);
            current = b.expr(0);
        }
        Expr result = visit(current);
        while (!spine.isEmpty()) {
            PromQL.BinaryExprContext b = spine.pop();
            result = binary(b, result, visit(b.expr(1)));
        }
        return result;
    }

    private Expr binary(PromQL.BinaryExprContext ctx, Expr lhs, Expr rhs) {
        BinaryOp op = BinaryOp.fromSymbol(ctx.op.getText());
        PositionRange opPos = query.range(ctx.op);
        PositionRange pos = query.range(ctx);
        PromQL.BinModifierContext mod = ctx.binModifier();
        boolean returnBool = mod.BOOL() != null;
        boolean on = mod.onOrIgnoring != null && mod.onOrIgnoring.getType() == PromQL.ON;
        List<String> matchingLabels = mod.onOrIgnoring == null ? List.of() : labels(mod.labelList(0));
        List<String> include = mod.include == null ? List.of() : labels(mod.include);
        Cardinality card = mod.group == null ? Cardinality.ONE_TO_ONE
                : mod.group.getType() == PromQL.GROUP_LEFT ? Cardinality.MANY_TO_ONE : Cardinality.ONE_TO_MANY;
        ValueType lt = typeOf(lhs);
        ValueType rt = typeOf(rhs);
        Double fillLeft = null;
        Double fillRight = null;
        if (!mod.fillModifier().isEmpty()) {
            if (!fillModifiers) {
                throw query.error(pos, "binop fill modifiers are experimental and not enabled");
            }
            for (PromQL.FillModifierContext f : mod.fillModifier()) {
                String name = f.IDENTIFIER().getText().toLowerCase(Locale.ROOT);
                double v = numberValue(f.NUMBER().getSymbol());
                double value = f.sign != null && f.sign.getType() == PromQL.SUB ? -v : v;
                boolean left = !name.equals("fill_right");
                boolean right = !name.equals("fill_left");
                if ((left && fillLeft != null) || (right && fillRight != null)) {
                    throw query.error(query.range(f), "fill modifier may not be set multiple times for the same side");
                }
                if (left) {
                    fillLeft = value;
                }
                if (right) {
                    fillRight = value;
                }
            }
            if (op.isSetOperator()) {
                throw query.error(pos, "no fill modifiers allowed for \"" + op.symbol() + "\" operation");
            }
            if (lt != ValueType.VECTOR || rt != ValueType.VECTOR) {
                throw query.error(pos, "fill modifiers only allowed between instant vectors");
            }
        }

        if (returnBool && !op.isComparison()) {
            throw query.error(opPos, "bool modifier can only be used on comparison operators");
        }
        if (op.isComparison() && !returnBool && lt == ValueType.SCALAR && rt == ValueType.SCALAR) {
            throw query.error(opPos, "comparisons between scalars must use BOOL modifier");
        }
        if (op.isSetOperator() && card == Cardinality.ONE_TO_ONE) {
            card = Cardinality.MANY_TO_MANY;
        }
        if (on) {
            for (String label : matchingLabels) {
                if (include.contains(label)) {
                    throw query.error(opPos, "label " + Quoting.goQuote(label) + " must not occur in ON and GROUP clause at once");
                }
            }
        }
        if (lt != ValueType.SCALAR && lt != ValueType.VECTOR) {
            throw query.error(lhs.position(), "binary expression must contain only scalar and instant vector types");
        }
        if (rt != ValueType.SCALAR && rt != ValueType.VECTOR) {
            throw query.error(rhs.position(), "binary expression must contain only scalar and instant vector types");
        }
        VectorMatching matching = null;
        if (lt != ValueType.VECTOR || rt != ValueType.VECTOR) {
            if (!matchingLabels.isEmpty()) {
                throw query.error(pos, "vector matching only allowed between instant vectors");
            }
        } else {
            if (op.isSetOperator()) {
                if (card == Cardinality.ONE_TO_MANY || card == Cardinality.MANY_TO_ONE) {
                    throw query.error(pos, "no grouping allowed for \"" + op.symbol() + "\" operation");
                }
            }
            matching = new VectorMatching(card, matchingLabels, on, include, fillLeft, fillRight);
        }
        if ((lt == ValueType.SCALAR || rt == ValueType.SCALAR) && op.isSetOperator()) {
            throw query.error(pos, "set operator \"" + op.symbol() + "\" not allowed in binary scalar expression");
        }
        BinaryExpr result = new BinaryExpr(op, lhs, rhs, matching, returnBool, pos);
        binaryTypes.put(result, lt == ValueType.SCALAR && rt == ValueType.SCALAR ? ValueType.SCALAR : ValueType.VECTOR);
        return result;
    }

    /** The type of a built expression, using the memo for binary expressions. */
    private ValueType typeOf(Expr e) {
        return switch (e) {
            case BinaryExpr b -> {
                ValueType t = binaryTypes.get(b);
                yield t != null ? t : b.type();
            }
            case ParenExpr p -> typeOf(p.expr());
            case UnaryExpr u -> typeOf(u.expr());
            default -> e.type();
        };
    }

    // ---- aggregations and calls ----------------------------------------------------------

    @Override
    public Expr visitAggregationExpr(PromQL.AggregationExprContext ctx) {
        return visitAggregation(ctx.aggregation());
    }

    @Override
    public Expr visitAggregation(PromQL.AggregationContext ctx) {
        PositionRange pos = query.range(ctx);
        AggregateOp op = AggregateOp.fromKeyword(ctx.aggregateOp().getText());
        if (op.experimental() && !experimental) {
            throw query.error(pos, "limitk() and limit_ratio() are experimental and must be enabled with"
                    + " --enable-feature=promql-experimental-functions");
        }
        List<String> grouping = List.of();
        boolean without = false;
        if (ctx.grouping() != null) {
            grouping = labels(ctx.grouping().labelList());
            without = ctx.grouping().kind.getType() == PromQL.WITHOUT;
        }
        List<Expr> args = arguments(ctx.arguments(), -1);
        if (args.isEmpty()) {
            throw query.error(pos, "no arguments for aggregate expression provided");
        }
        int desired = op.hasParam() ? 2 : 1;
        if (args.size() != desired) {
            throw query.error(pos, "wrong number of arguments for aggregate expression provided, expected "
                    + desired + ", got " + args.size());
        }
        Expr param = op.hasParam() ? args.get(0) : null;
        Expr expr = args.get(args.size() - 1);
        expectType(expr, ValueType.VECTOR, "aggregation expression");
        if (param != null) {
            expectType(param, op.paramType(), "aggregation parameter");
        }
        return new AggregateExpr(op, expr, param, grouping, without, pos);
    }

    @Override
    public Expr visitCallExpr(PromQL.CallExprContext ctx) {
        return visitFunctionCall(ctx.functionCall());
    }

    @Override
    public Expr visitFunctionCall(PromQL.FunctionCallContext ctx) {
        Token nameToken = ctx.getStart();
        String name = nameToken.getText();
        PositionRange pos = query.range(ctx);
        Function function = Functions.lookup(name);
        if (function == null) {
            throw query.error(nameToken, "unknown function with name " + Quoting.goQuote(name));
        }
        if (function.experimental() && !experimental) {
            throw query.error(nameToken, "function " + Quoting.goQuote(name) + " is not enabled");
        }
        List<Expr> args = arguments(ctx.arguments(), name.equals("info") ? 1 : -1);
        int n = args.size();
        String quoted = Quoting.goQuote(name);
        if (function.variadic() == 0) {
            if (n != function.argTypes().size()) {
                throw query.error(pos, "expected " + function.argTypes().size() + " argument(s) in call to " + quoted + ", got " + n);
            }
        } else if (n < function.minArgs()) {
            throw query.error(pos, "expected at least " + function.minArgs() + " argument(s) in call to " + quoted + ", got " + n);
        } else if (n > function.maxArgs()) {
            throw query.error(pos, "expected at most " + function.maxArgs() + " argument(s) in call to " + quoted + ", got " + n);
        }
        if (name.equals("info") && n > 1) {
            // As Prometheus: info()'s second argument selects labels of info metrics, never a metric by name.
            Expr selector = args.get(1);
            if (!(selector instanceof VectorSelector vs)) {
                throw query.error(selector.position(), "expected label selectors only");
            }
            if (!vs.name().isEmpty()) {
                throw query.error(selector.position(), "expected label selectors only, got vector selector instead");
            }
        }
        for (int i = 0; i < n; i++) {
            if (i >= function.argTypes().size() && function.variadic() != -1) {
                continue; // as Prometheus: optional extra arguments are not type-checked
            }
            expectType(args.get(i), function.argType(i), "call to function " + quoted);
        }
        return new Call(function, args, pos);
    }

    /**
     * @param mayMatchAll the index of an argument whose bare selector may match every series
     *     (info()'s label selector, as Prometheus allows), or -1
     */
    private List<Expr> arguments(PromQL.ArgumentsContext ctx, int mayMatchAll) {
        if (ctx.trailing != null) {
            throw query.error(ctx.trailing, "trailing commas not allowed in function call args");
        }
        List<Expr> args = new ArrayList<>(ctx.expr().size());
        for (int i = 0; i < ctx.expr().size(); i++) {
            PromQL.ExprContext e = ctx.expr(i);
            allowEmptySelector = i == mayMatchAll && e instanceof PromQL.SelectorExprContext;
            try {
                args.add(visit(e));
            } finally {
                allowEmptySelector = false;
            }
        }
        return args;
    }

    private void expectType(Expr expr, ValueType want, String context) {
        ValueType got = typeOf(expr);
        if (got != want) {
            throw query.error(expr.position(), "expected type " + want.documentedName() + " in " + context
                    + ", got " + got.documentedName());
        }
    }

    // ---- pieces --------------------------------------------------------------------------

    private List<String> labels(PromQL.LabelListContext ctx) {
        List<String> labels = new ArrayList<>(ctx.labelName().size());
        for (PromQL.LabelNameContext l : ctx.labelName()) {
            labels.add(labelName(l));
        }
        return labels;
    }

    private String labelName(PromQL.LabelNameContext ctx) {
        if (ctx.NUMBER() != null && !Character.isLetter(ctx.getText().charAt(0))) {
            throw query.error(ctx.getStart(), "unexpected number " + Quoting.goQuote(ctx.getText()) + ", expected label");
        }
        return ctx.STRING() != null ? string(ctx.STRING()) : ctx.getText();
    }

    private String string(TerminalNode node) {
        try {
            return Literals.unquote(node.getText());
        } catch (IllegalArgumentException e) {
            throw query.error(node.getSymbol(), e.getMessage());
        }
    }

    private double numberValue(Token t) {
        try {
            if (t.getType() == PromQL.DURATION) {
                return Literals.durationMillis(t.getText()) / 1000.0;
            }
            double v = Literals.number(t.getText());
            if (Double.isInfinite(v) && Character.isDigit(t.getText().charAt(0))) {
                throw query.error(t, "error parsing number: strconv.ParseFloat: parsing " + Quoting.goQuote(t.getText())
                        + ": value out of range");
            }
            return v;
        } catch (IllegalArgumentException e) {
            throw query.error(t, e.getMessage() == null ? "error parsing number: " + t.getText() : e.getMessage());
        }
    }

    // ---- durations -----------------------------------------------------------------------

    /**
     * A range or step in brackets: a literal (duration or seconds), which must be positive, or
     * duration arithmetic, checked when the engine resolves it.
     */
    private DurationExpr positiveDuration(PromQL.DurationExprContext ctx) {
        DurationExpr d = duration(ctx);
        if (d instanceof DurationExpr.Literal l && millis(l) <= 0) {
            throw query.error(l.position(), "duration must be greater than 0");
        }
        return d;
    }

    /** What follows {@code offset}: a signed literal, or duration arithmetic. */
    private DurationExpr offset(PromQL.OffsetValueContext ctx) {
        PositionRange pos = query.range(ctx);
        return switch (ctx) {
            case PromQL.OffsetLiteralContext c -> {
                Token t = c.getStop();
                double v = numberValue(t);
                yield literal(c.sign != null && c.sign.getType() == PromQL.SUB ? -v : v, t.getType() == PromQL.DURATION, t, pos);
            }
            case PromQL.OffsetCallContext c -> signed(c.sign, durationCall(c.durationCall()), pos);
            case PromQL.OffsetSignedParenContext c -> {
                DurationExpr inner = duration(c.durationExpr());
                DurationExpr paren = inner instanceof DurationExpr.Literal ? inner
                        : new DurationExpr.Paren(inner, query.range(c.LEFT_PAREN().getSymbol(), c.RIGHT_PAREN().getSymbol()));
                yield signed(c.sign, gated(paren), pos);
            }
            case PromQL.OffsetDurationContext c -> duration(c.durationExpr());
            default -> throw new IllegalStateException("unknown offset form: " + ctx.getClass().getSimpleName());
        };
    }

    private DurationExpr signed(Token sign, DurationExpr d, PositionRange pos) {
        if (sign == null || sign.getType() != PromQL.SUB) {
            return d;
        }
        return d instanceof DurationExpr.Literal l ? new DurationExpr.Literal(-l.value(), l.duration(), pos) : new DurationExpr.Negate(d, pos);
    }

    /** A duration expression; literals fold through signs and parentheses, as in Prometheus. */
    private DurationExpr duration(PromQL.DurationExprContext ctx) {
        PositionRange pos = query.range(ctx);
        return switch (ctx) {
            case PromQL.DurationLiteralContext c -> {
                Token t = c.getStart();
                yield literal(numberValue(t), t.getType() == PromQL.DURATION, t, pos);
            }
            case PromQL.DurationUnaryContext c -> signed(c.op, duration(c.durationExpr()), pos);
            case PromQL.DurationParenContext c -> {
                DurationExpr inner = duration(c.durationExpr());
                yield gated(inner instanceof DurationExpr.Literal l ? new DurationExpr.Literal(l.value(), l.duration(), pos)
                        : new DurationExpr.Paren(inner, pos));
            }
            case PromQL.DurationFunctionContext c -> durationCall(c.durationCall());
            case PromQL.DurationBinaryContext c -> {
                DurationExpr lhs = duration(c.durationExpr(0));
                DurationExpr rhs = duration(c.durationExpr(1));
                BinaryOp op = BinaryOp.fromSymbol(c.op.getText());
                if (rhs instanceof DurationExpr.Literal l && l.value() == 0 && (op == BinaryOp.DIV || op == BinaryOp.MOD)) {
                    throw query.error(c.op, op == BinaryOp.DIV ? "division by zero" : "modulo by zero");
                }
                yield gated(new DurationExpr.Binary(op, lhs, rhs, pos));
            }
            default -> throw new IllegalStateException("unknown duration form: " + ctx.getClass().getSimpleName());
        };
    }

    /** {@code step()}, {@code range()}, {@code min_of(a, b)}, {@code max_of(a, b)} (names in any case). */
    private DurationExpr durationCall(PromQL.DurationCallContext ctx) {
        Token name = ctx.IDENTIFIER().getSymbol();
        PositionRange pos = query.range(ctx);
        int args = ctx.durationExpr().size();
        String lower = name.getText().toLowerCase(Locale.ROOT);
        DurationExpr d = switch (lower) {
            case "step", "range" -> {
                if (args != 0) {
                    throw query.error(pos, "expected 0 argument(s) in call to " + Quoting.goQuote(lower) + ", got " + args);
                }
                yield new DurationExpr.QueryValue(lower.equals("range"), pos);
            }
            case "min_of", "max_of" -> {
                if (args != 2) {
                    throw query.error(pos, "expected 2 argument(s) in call to " + Quoting.goQuote(lower) + ", got " + args);
                }
                yield new DurationExpr.MinMax(lower.equals("max_of"), duration(ctx.durationExpr(0)), duration(ctx.durationExpr(1)), pos);
            }
            default -> throw query.error(name, "unexpected identifier " + Quoting.goQuote(name.getText())
                    + " in offset, expected number, duration, step(), or range()");
        };
        return gated(d);
    }

    /** Whether {@code name} is a fill modifier, {@code fill}, {@code fill_left} or {@code fill_right} (any case). */
    static boolean isFillModifier(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "fill", "fill_left", "fill_right" -> true;
            default -> false;
        };
    }

    /** Whether {@code name} is one of the functions of duration expressions (any case). */
    static boolean isDurationFunction(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "step", "range", "min_of", "max_of" -> true;
            default -> false;
        };
    }

    private DurationExpr.Literal literal(double seconds, boolean duration, Token t, PositionRange pos) {
        if (Double.isNaN(seconds) || Math.abs(seconds * 1000) >= 9.2e18) {
            throw query.error(t, "duration out of range: " + t.getText());
        }
        return new DurationExpr.Literal(seconds, duration, pos);
    }

    /** Anything beyond a (signed) literal needs the feature, as Prometheus's parser says. */
    private DurationExpr gated(DurationExpr d) {
        if (!durationExpressions) {
            throw query.error(d.position(), "experimental duration expression is not enabled");
        }
        return d;
    }

    private static long millis(DurationExpr.Literal l) {
        return goRound(l.value() * 1000);
    }

    private double signedSeconds(PromQL.SignedNumberContext ctx) {
        Token t = ctx.getStop();
        double v = numberValue(t);
        return ctx.sign != null && ctx.sign.getType() == PromQL.SUB ? -v : v;
    }


    /** Go's math.Round: halves away from zero. */
    private static long goRound(double v) {
        return v < 0 ? -Math.round(-v) : Math.round(v);
    }

    /** Go's {@code %f}: six decimals, {@code +Inf}, {@code -Inf}, {@code NaN}. */
    private static String goFloat(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return String.format(Locale.ROOT, "%f", v);
    }

    /** Prometheus's internal type names, used in a few of its messages. */
    private static String internalName(ValueType t) {
        return switch (t) {
            case SCALAR -> "scalar";
            case VECTOR -> "vector";
            case MATRIX -> "matrix";
            case STRING -> "string";
        };
    }
}

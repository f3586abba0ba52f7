package io.promethium.web.internal.query;

import com.fasterxml.jackson.core.JsonGenerator;
import io.promethium.api.model.Matcher;
import io.promethium.goformat.GoFloat;
import io.promethium.promql.ast.AggregateExpr;
import io.promethium.promql.ast.AtModifier;
import io.promethium.promql.ast.BinaryExpr;
import io.promethium.promql.ast.Call;
import io.promethium.promql.ast.DurationExpr;
import io.promethium.promql.ast.Expr;
import io.promethium.promql.ast.MatrixSelector;
import io.promethium.promql.ast.NumberLiteral;
import io.promethium.promql.ast.ParenExpr;
import io.promethium.promql.ast.StringLiteral;
import io.promethium.promql.ast.SubqueryExpr;
import io.promethium.promql.ast.UnaryExpr;
import io.promethium.promql.ast.ValueType;
import io.promethium.promql.ast.VectorMatching;
import io.promethium.promql.ast.VectorSelector;
import java.io.IOException;
import java.util.List;

/**
 * The syntax tree as {@code /api/v1/parse_query} shows it (Prometheus's translateAST): one
 * object per node with a {@code type} field, keys in alphabetical order as Go's maps marshal.
 */
final class AstJson {

    private AstJson() {
    }

    static void write(JsonGenerator g, Expr expr) throws IOException {
        if (expr == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        switch (expr) {
            case AggregateExpr a -> {
                g.writeFieldName("expr");
                write(g, a.expr());
                strings(g, "grouping", a.grouping());
                g.writeStringField("op", a.op().keyword());
                g.writeFieldName("param");
                write(g, a.param());
                g.writeStringField("type", "aggregation");
                g.writeBooleanField("without", a.without());
            }
            case BinaryExpr b -> {
                g.writeBooleanField("bool", b.returnBool());
                g.writeFieldName("lhs");
                write(g, b.lhs());
                g.writeFieldName("matching");
                matching(g, b.matching());
                g.writeStringField("op", b.op().symbol());
                g.writeFieldName("rhs");
                write(g, b.rhs());
                g.writeStringField("type", "binaryExpr");
            }
            case Call c -> {
                g.writeArrayFieldStart("args");
                for (Expr arg : c.args()) {
                    write(g, arg);
                }
                g.writeEndArray();
                g.writeObjectFieldStart("func");
                g.writeArrayFieldStart("argTypes");
                for (ValueType t : c.function().argTypes()) {
                    g.writeString(typeName(t));
                }
                g.writeEndArray();
                g.writeStringField("name", c.function().name());
                g.writeStringField("returnType", typeName(c.function().returnType()));
                g.writeNumberField("variadic", c.function().variadic());
                g.writeEndObject();
                g.writeStringField("type", "call");
            }
            case MatrixSelector m -> {
                VectorSelector vs = m.selector();
                matchers(g, vs.matchers());
                g.writeStringField("name", vs.name());
                offset(g, vs.offsetMillis(), vs.offsetExpr());
                duration(g, "range", m.rangeMillis(), m.rangeExpr());
                startOrEnd(g, vs.atKind());
                timestamp(g, vs.atMillis());
                g.writeStringField("type", "matrixSelector");
            }
            case SubqueryExpr s -> {
                g.writeFieldName("expr");
                write(g, s.expr());
                offset(g, s.offsetMillis(), s.offsetExpr());
                duration(g, "range", s.rangeMillis(), s.rangeExpr());
                startOrEnd(g, s.atKind());
                duration(g, "step", s.stepMillis(), s.stepExpr());
                timestamp(g, s.atMillis());
                g.writeStringField("type", "subquery");
            }
            case NumberLiteral n -> {
                g.writeStringField("type", "numberLiteral");
                g.writeStringField("val", GoFloat.formatF(n.value()));
            }
            case ParenExpr p -> {
                g.writeFieldName("expr");
                write(g, p.expr());
                g.writeStringField("type", "parenExpr");
            }
            case StringLiteral s -> {
                g.writeStringField("type", "stringLiteral");
                g.writeStringField("val", s.value());
            }
            case UnaryExpr u -> {
                g.writeFieldName("expr");
                write(g, u.expr());
                g.writeStringField("op", u.op().symbol());
                g.writeStringField("type", "unaryExpr");
            }
            case VectorSelector vs -> {
                matchers(g, vs.matchers());
                g.writeStringField("name", vs.name());
                offset(g, vs.offsetMillis(), vs.offsetExpr());
                startOrEnd(g, vs.atKind());
                timestamp(g, vs.atMillis());
                g.writeStringField("type", "vectorSelector");
            }
        }
        g.writeEndObject();
    }

    private static void offset(JsonGenerator g, long millis, DurationExpr expr) throws IOException {
        duration(g, "offset", millis, expr);
    }

    /**
     * A range, offset or step: {@code name} in milliseconds and {@code nameExpr} with the tree of
     * one written as a duration expression (then, as in Prometheus, the milliseconds are 0: the
     * engine works them out per query), else null.
     */
    private static void duration(JsonGenerator g, String name, long millis, DurationExpr expr) throws IOException {
        g.writeNumberField(name, expr == null ? millis : 0);
        g.writeFieldName(name + "Expr");
        durationExpr(g, expr, false);
    }

    /**
     * Prometheus's translateDurationExpr: {@code {lhs, op, rhs, type: "durationExpr", wrapped}}
     * per operation ({@code step}/{@code range} without operands, a negation with only
     * {@code rhs}), {@code {duration, type: "numberLiteral", val}} per number (seconds). Its
     * parser keeps no parentheses node: a parenthesised operation is {@code wrapped}, and
     * parentheses or a minus around a number fold into the number.
     */
    private static void durationExpr(JsonGenerator g, DurationExpr expr, boolean wrapped) throws IOException {
        DurationExpr.Literal literal = literal(expr);
        if (expr == null) {
            g.writeNull();
        } else if (literal != null) {
            g.writeStartObject();
            g.writeBooleanField("duration", literal.duration());
            g.writeStringField("type", "numberLiteral");
            g.writeStringField("val", GoFloat.formatF(literal.value()));
            g.writeEndObject();
        } else if (expr instanceof DurationExpr.Paren p) {
            durationExpr(g, p.inner(), true);
        } else {
            DurationExpr lhs = null;
            DurationExpr rhs = null;
            String op;
            switch (expr) {
                case DurationExpr.Negate n -> {
                    op = "-";
                    rhs = n.operand();
                }
                case DurationExpr.Binary b -> {
                    op = b.op().symbol();
                    lhs = b.lhs();
                    rhs = b.rhs();
                }
                case DurationExpr.QueryValue q -> op = q.range() ? "range" : "step";
                case DurationExpr.MinMax m -> {
                    op = m.max() ? "max_of" : "min_of";
                    lhs = m.lhs();
                    rhs = m.rhs();
                }
                default -> throw new IllegalStateException("unexpected duration node " + expr);
            }
            g.writeStartObject();
            g.writeFieldName("lhs");
            durationExpr(g, lhs, false);
            g.writeStringField("op", op);
            g.writeFieldName("rhs");
            durationExpr(g, rhs, false);
            g.writeStringField("type", "durationExpr");
            g.writeBooleanField("wrapped", wrapped);
            g.writeEndObject();
        }
    }

    /** The number {@code expr} folds to (a literal in parentheses or negated), else null. */
    private static DurationExpr.Literal literal(DurationExpr expr) {
        return switch (expr) {
            case DurationExpr.Literal l -> l;
            case DurationExpr.Paren p -> literal(p.inner());
            case DurationExpr.Negate n -> {
                DurationExpr.Literal inner = literal(n.operand());
                yield inner == null ? null : new DurationExpr.Literal(-inner.value(), inner.duration(), n.position());
            }
            case null, default -> null;
        };
    }

    private static void matching(JsonGenerator g, VectorMatching m) throws IOException {
        if (m == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        g.writeStringField("card", switch (m.card()) {
            case ONE_TO_ONE -> "one-to-one";
            case MANY_TO_ONE -> "many-to-one";
            case ONE_TO_MANY -> "one-to-many";
            case MANY_TO_MANY -> "many-to-many";
        });
        strings(g, "include", m.include());
        strings(g, "labels", m.matchingLabels());
        g.writeBooleanField("on", m.on());
        g.writeEndObject();
    }

    private static void matchers(JsonGenerator g, List<Matcher> matchers) throws IOException {
        g.writeArrayFieldStart("matchers");
        for (Matcher m : matchers) {
            g.writeStartObject();
            g.writeStringField("name", m.name());
            g.writeStringField("type", m.type().operator());
            g.writeStringField("value", m.value());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private static void startOrEnd(JsonGenerator g, AtModifier kind) throws IOException {
        switch (kind) {
            case START -> g.writeStringField("startOrEnd", "start");
            case END -> g.writeStringField("startOrEnd", "end");
            default -> g.writeNullField("startOrEnd");
        }
    }

    private static void timestamp(JsonGenerator g, Long at) throws IOException {
        if (at == null) {
            g.writeNullField("timestamp");
        } else {
            g.writeNumberField("timestamp", at);
        }
    }

    private static String typeName(ValueType t) {
        return switch (t) {
            case SCALAR -> "scalar";
            case VECTOR -> "vector";
            case MATRIX -> "matrix";
            case STRING -> "string";
        };
    }

}

package io.promethium.promql.engine.internal.eval;

import io.promethium.api.model.Matcher;
import io.promethium.promql.ast.AggregateExpr;
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
import io.promethium.promql.ast.VectorMatching;
import io.promethium.promql.ast.VectorSelector;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The heap a parsed tree holds: each node record, its position, strings, lists, boxed numbers,
 * matchers and their compiled regular expressions, each object once (the parser shares a
 * selector's name with its {@code __name__} matcher). Not counted, as every tree shares them:
 * functions (the grammar's table), enums, empty lists and the {@code "__name__"} literal.
 */
final class TreeBytes {

    /**
     * A compiled {@link java.util.regex.Pattern}, which reflection cannot walk (java.base is closed):
     * a base plus so much per character and per operator of the anchored {@code ^(?:value)$},
     * fitted to the heap measured for 20,000 compiles each of seven matcher regexes (from
     * {@code api} to {@code (prod|staging)-(eu|us)-[a-z]+-[0-9]{2,4}}: 234 to 923 bytes on
     * JDK 25, the fit within 25 %).
     */
    static final int PATTERN_BASE = 100;
    static final int PATTERN_PER_CHAR = 4;
    static final int PATTERN_PER_OPERATOR = 40;

    private static final String NAME_LABEL = "__name__";

    private final ObjectLayout layout;
    private final ClassValue<Long> shallow = new ClassValue<>() {
        @Override
        protected Long computeValue(Class<?> type) {
            return layout.shallow(type);
        }
    };

    TreeBytes(ObjectLayout layout) {
        this.layout = layout;
    }

    /** The bytes of a cache key: the query text. */
    long key(String text) {
        return layout.string(text);
    }

    /** The bytes of {@code tree}, each object reachable from it counted once. */
    long of(Expr tree) {
        Walk walk = new Walk();
        Deque<Object> todo = new ArrayDeque<>();
        todo.push(tree);
        while (!todo.isEmpty()) {
            Object o = todo.pop();
            if (!walk.first(o)) {
                continue;
            }
            switch (o) {
                case NumberLiteral n -> walk.node(n, n.position());
                case StringLiteral s -> {
                    walk.node(s, s.position());
                    walk.string(s.value());
                }
                case VectorSelector v -> {
                    walk.node(v, v.position());
                    walk.string(v.name());
                    walk.boxed(v.atMillis());
                    walk.list(v.matchers());
                    for (Matcher m : v.matchers()) {
                        walk.matcher(m);
                    }
                    push(todo, v.offsetExpr());
                }
                case MatrixSelector m -> {
                    walk.node(m, m.position());
                    todo.push(m.selector());
                    push(todo, m.rangeExpr());
                }
                case SubqueryExpr sq -> {
                    walk.node(sq, sq.position());
                    walk.boxed(sq.atMillis());
                    todo.push(sq.expr());
                    push(todo, sq.rangeExpr());
                    push(todo, sq.stepExpr());
                    push(todo, sq.offsetExpr());
                }
                case AggregateExpr a -> {
                    walk.node(a, a.position());
                    walk.strings(a.grouping());
                    todo.push(a.expr());
                    push(todo, a.param());
                }
                case BinaryExpr b -> {
                    walk.node(b, b.position());
                    todo.push(b.lhs());
                    todo.push(b.rhs());
                    VectorMatching vm = b.matching();
                    if (vm != null && walk.first(vm)) {
                        walk.add(vm.getClass());
                        walk.strings(vm.matchingLabels());
                        walk.strings(vm.include());
                        walk.boxed(vm.fillLeft());
                        walk.boxed(vm.fillRight());
                    }
                }
                case Call c -> {
                    walk.node(c, c.position());
                    walk.list(c.args());
                    c.args().forEach(todo::push);
                }
                case ParenExpr p -> {
                    walk.node(p, p.position());
                    todo.push(p.expr());
                }
                case UnaryExpr u -> {
                    walk.node(u, u.position());
                    todo.push(u.expr());
                }
                case DurationExpr.Binary d -> {
                    walk.node(d, d.position());
                    todo.push(d.lhs());
                    todo.push(d.rhs());
                }
                case DurationExpr.MinMax d -> {
                    walk.node(d, d.position());
                    todo.push(d.lhs());
                    todo.push(d.rhs());
                }
                case DurationExpr.Negate d -> {
                    walk.node(d, d.position());
                    todo.push(d.operand());
                }
                case DurationExpr.Paren d -> {
                    walk.node(d, d.position());
                    todo.push(d.inner());
                }
                case DurationExpr d -> walk.node(d, d.position());
                default -> throw new IllegalStateException("not a tree node: " + o.getClass());
            }
        }
        return walk.bytes;
    }

    private static void push(Deque<Object> todo, Object o) {
        if (o != null) {
            todo.push(o);
        }
    }

    /** One tree's sum and the objects already in it. */
    private final class Walk {
        private final Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        long bytes;

        boolean first(Object o) {
            return seen.add(o);
        }

        void add(Class<?> type) {
            bytes += shallow.get(type);
        }

        void node(Object node, Object position) {
            add(node.getClass());
            if (first(position)) {
                add(position.getClass());
            }
        }

        void string(String s) {
            // "" and "__name__" are literals every tree shares.
            if (!s.isEmpty() && s != NAME_LABEL && first(s)) {
                bytes += layout.string(s);
            }
        }

        void strings(List<String> list) {
            list(list);
            list.forEach(this::string);
        }

        void boxed(Object value) {
            if (value != null && first(value)) {
                add(value.getClass());
            }
        }

        /** An immutable list: the shared empty one, one holding one or two fields, or one with an array. */
        void list(List<?> list) {
            if (list.isEmpty() || !first(list)) {
                return;
            }
            add(list.getClass());
            if (list.size() > 2) {
                bytes += layout.refs(list.size());
            }
        }

        void matcher(Matcher m) {
            if (!first(m)) {
                return;
            }
            add(m.getClass());
            string(m.name());
            string(m.value());
            if (m.pattern() != null && first(m.pattern())) {
                String regex = m.pattern().pattern();
                bytes += PATTERN_BASE + (long) PATTERN_PER_CHAR * regex.length() + (long) PATTERN_PER_OPERATOR * operators(regex);
                // Matcher compiles the anchored "^(?:value)$", a string of its own.
                bytes += layout.string(regex);
            }
        }
    }

    /** The regex operators, each a node or more of the compiled pattern; an escaped character is a literal. */
    static int operators(String regex) {
        int n = 0;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\') {
                i++;
            } else if ("|()[]{}*+?.".indexOf(c) >= 0) {
                n++;
            }
        }
        return n;
    }
}

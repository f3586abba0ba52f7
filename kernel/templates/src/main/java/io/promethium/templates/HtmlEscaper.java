package io.promethium.templates;

import io.promethium.templates.HtmlContext.Delim;
import io.promethium.templates.HtmlContext.JsCtx;
import io.promethium.templates.HtmlContext.State;
import io.promethium.templates.HtmlContext.UrlPart;
import io.promethium.templates.TemplateNode.Branch;
import io.promethium.templates.TemplateNode.Command;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Go's html/template escaping pass (escape.go): before a template first runs, its whole parse
 * tree is walked in HTML context, every branch and every called template, so a template Go
 * refuses is refused whatever the data, with Go's message. Contexts after {@code if}/{@code with}
 * branches are joined (differing only in URL part or division-or-regexp: unknown; a nudged
 * context with an unnudged one), a range body must end where it started (also at each
 * {@code break} and {@code continue}), and a called template is escaped once per start context
 * (Go's mangled name), recursion resolved by Go's fixed-point guess. Where Go edits the tree
 * (escapers appended to actions, text rewritten, calls renamed to derived templates), this pass
 * records the context of each node per derived template ({@link Escaped}); the runs escape by
 * those contexts ({@link HtmlEscaping}), so every run escapes as Go's rewritten tree does.
 *
 * <p>One instance checks one execution's templates; not thread-safe, not reused.
 */
final class HtmlEscaper {

    /**
     * The outcome of escaping a template: Go's error, or (error null) the escaping decisions that
     * drive its runs, per derived template (Go's mangled name: a template and the context it is
     * called in) and node: the context a text starts in, the (nudged) context an action's
     * escapers are chosen for, the derived template a {@code {{template}}} calls.
     */
    record Escaped(String error, Map<String, Map<TemplateNode, Object>> edits) {

        /** The decisions for the nodes of derived template {@code dname}; empty if none. */
        Map<TemplateNode, Object> of(String dname) {
            Map<TemplateNode, Object> m = edits.get(dname);
            return m == null ? Map.of() : m;
        }
    }

    private final Function<String, List<TemplateNode>> bodies;
    /** The text a template was parsed from, by template name: Go's ParseName in error locations. */
    private final Function<String, String> parsedFrom;
    /** Where a template's body starts (Go's position of its list node). */
    private final Function<String, TemplateNode.Position> startOf;
    /** The name of the template executed (errors without a node name it). */
    private String top = "";
    /** The text the nodes being escaped were parsed from. */
    private String file = "";
    /** Output context per mangled template name (Go's escaper.output): known or assumed. */
    private final Map<String, HtmlContext> output;
    /** Mangled names called while escaping (Go's escaper.called). */
    private final Set<String> called = new HashSet<>();
    private RangeContext range;
    /** The derived template whose nodes are being escaped. */
    private String dname = "";
    /** Decisions per derived template, by node identity (Go's actionNodeEdits, textNodeEdits, templateNodeEdits). */
    private final Map<String, Map<TemplateNode, Object>> edits = new HashMap<>();

    HtmlEscaper(Function<String, List<TemplateNode>> bodies, Function<String, String> parsedFrom,
                Function<String, TemplateNode.Position> startOf) {
        this(bodies, parsedFrom, startOf, new HashMap<>(), null);
    }

    private HtmlEscaper(Function<String, List<TemplateNode>> bodies, Function<String, String> parsedFrom,
                        Function<String, TemplateNode.Position> startOf, Map<String, HtmlContext> output, RangeContext range) {
        this.bodies = bodies;
        this.parsedFrom = parsedFrom;
        this.startOf = startOf;
        this.output = output;
        this.range = range;
    }

    /** Contexts at the {@code break}s and {@code continue}s of the range being escaped. */
    private static final class RangeContext {
        final RangeContext outer;
        final List<HtmlContext> breaks = new ArrayList<>();
        final List<TemplateNode.LoopControl> breakNodes = new ArrayList<>();
        final List<HtmlContext> continues = new ArrayList<>();
        final List<TemplateNode.LoopControl> continueNodes = new ArrayList<>();

        RangeContext(RangeContext outer) {
            this.outer = outer;
        }
    }

    /** Escapes the template {@code name} from the start of an HTML document: Go's error or the decisions for its runs. */
    Escaped escape(String name) {
        top = name;
        try {
            HtmlContext c = escapeTree(HtmlContext.TEXT, null, name);
            if (c.state() != State.TEXT) {
                return new Escaped(new HtmlEscapeError(null, 0, "ends in a non-text context: " + c.goString()).message(name), Map.of());
            }
            return new Escaped(null, edits);
        } catch (HtmlEscapeError e) {
            return new Escaped(e.message(name), Map.of());
        }
    }

    private void edit(TemplateNode node, Object decision) {
        edits.computeIfAbsent(dname, k -> new java.util.IdentityHashMap<>()).put(node, decision);
    }

    /** Go's ErrorContext of a node at a 1-based column: {@code name:line:col} with Go's 0-based column. */
    private String loc(int line, int column) {
        return file + ":" + line + ":" + (column - 1);
    }

    /** The context after {@code nodes}, or null where every path left by break or continue (Go's stateDead). */
    private HtmlContext escapeList(HtmlContext c, List<TemplateNode> nodes) throws HtmlEscapeError {
        for (TemplateNode n : nodes) {
            c = escapeNode(c, n);
            if (c == null) {
                break;
            }
        }
        return c;
    }

    private HtmlContext escapeNode(HtmlContext c, TemplateNode n) throws HtmlEscapeError {
        return switch (n) {
            case TemplateNode.Text t -> {
                edit(t, c);
                HtmlContext after = HtmlEscaping.text(c, t.text(), new StringBuilder());
                if (after.state() == State.ERROR) {
                    throw new HtmlEscapeError(null, 0, after.error());
                }
                yield after;
            }
            case TemplateNode.Action a -> escapeAction(c, a);
            case Branch b -> escapeBranch(c, b);
            case TemplateNode.Include i -> {
                edit(i, c.mangle(i.name()));
                yield escapeTree(c, loc(i.line(), i.column()), i.name());
            }
            case TemplateNode.LoopControl l -> {
                if (l.isBreak()) {
                    range.breaks.add(c);
                    range.breakNodes.add(l);
                } else {
                    range.continues.add(c);
                    range.continueNodes.add(l);
                }
                yield null;
            }
            default -> throw new IllegalStateException("unexpected node " + n);
        };
    }

    private HtmlContext escapeAction(HtmlContext c, TemplateNode.Action a) throws HtmlEscapeError {
        TemplateNode.Pipeline p = a.pipeline();
        if (!p.variables().isEmpty()) {
            return c;
        }
        c = HtmlEscaping.nudge(c);
        List<Command> cmds = p.commands();
        for (int i = 0; i < cmds.size(); i++) {
            if (cmds.get(i).operands().get(0) instanceof TemplateNode.Function f
                    && (f.name().equals("html") || f.name().equals("urlquery"))) {
                if (i < cmds.size() - 1 || c.state() == State.ATTR && c.delim() == Delim.SPACE_OR_TAG_END
                        && f.name().equals("html")) {
                    throw new HtmlEscapeError(loc(a.line(), a.column()), 0,
                            "predefined escaper " + GoFormat.quote(f.name()) + " disallowed in template");
                }
            }
        }
        if (c.urlPart() == UrlPart.UNKNOWN && switch (c.state()) {
            case URL, CSS_DQ_STR, CSS_SQ_STR, CSS_DQ_URL, CSS_SQ_URL, CSS_URL -> true;
            default -> false;
        }) {
            throw new HtmlEscapeError(loc(a.line(), a.column()), 0, source(a) + " appears in an ambiguous context within a URL");
        }
        edit(a, c);
        return HtmlEscaping.afterAction(c);
    }

    /** Go's String of an action node. */
    private static String source(TemplateNode.Action a) {
        StringBuilder b = new StringBuilder("{{");
        for (Command cmd : a.pipeline().commands()) {
            if (b.length() > 2) {
                b.append(" | ");
            }
            b.append(cmd.source());
        }
        return b.append("}}").toString();
    }

    /** Go's join of the contexts two branches end in. */
    private static HtmlContext join(HtmlContext a, HtmlContext b, String loc, String nodeName) throws HtmlEscapeError {
        if (a == null) {
            return b;
        }
        if (b == null || a.eq(b)) {
            return a;
        }
        if (a.url(b.urlPart()).eq(b)) {
            return a.url(UrlPart.UNKNOWN);
        }
        if (a.jsCtx(b.jsCtx()).eq(b)) {
            return a.jsCtx(JsCtx.UNKNOWN);
        }
        HtmlContext c = HtmlEscaping.nudge(a);
        HtmlContext d = HtmlEscaping.nudge(b);
        if (!(c.eq(a) && d.eq(b))) {
            try {
                return join(c, d, loc, nodeName);
            } catch (HtmlEscapeError e) {
                // Go keeps the error of the unnudged contexts.
            }
        }
        throw new HtmlEscapeError(loc, 0, "{{" + nodeName + "}} branches end in different contexts: " + a.goString() + ", "
                + b.goString());
    }

    private HtmlContext escapeBranch(HtmlContext c, Branch n) throws HtmlEscapeError {
        String nodeName = n.kind().name().toLowerCase(java.util.Locale.ROOT);
        String loc = loc(n.pipeline().line(), n.pipeline().column());
        HtmlContext c0;
        if (n.kind() == TemplateNode.Kind.RANGE) {
            RangeContext outer = range;
            try {
                range = new RangeContext(outer);
                c0 = joinRange(escapeList(c, n.body()), range);
                // The body may run again: once more from where it ended must end there too.
                range = new RangeContext(outer);
                HtmlContext c1;
                try {
                    c1 = conditionally(c0, n.body(), file, dname, null).context;
                    c0 = join(c0, c1, loc, nodeName);
                } catch (HtmlEscapeError e) {
                    throw new HtmlEscapeError(e.loc, n.pipeline().line(), "on range loop re-entry: " + e.description);
                }
                c0 = joinRange(c0, range);
            } finally {
                range = outer;
            }
        } else {
            c0 = escapeList(c, n.body());
        }
        return join(c0, escapeList(c, n.otherwise()), loc, nodeName);
    }

    private HtmlContext joinRange(HtmlContext c0, RangeContext rc) throws HtmlEscapeError {
        for (int i = 0; i < rc.breaks.size(); i++) {
            TemplateNode.LoopControl l = rc.breakNodes.get(i);
            try {
                c0 = join(c0, rc.breaks.get(i), loc(l.line(), l.column()), "range");
            } catch (HtmlEscapeError e) {
                throw new HtmlEscapeError(e.loc, l.line(), "at range loop break: " + e.description);
            }
        }
        for (int i = 0; i < rc.continues.size(); i++) {
            TemplateNode.LoopControl l = rc.continueNodes.get(i);
            try {
                c0 = join(c0, rc.continues.get(i), loc(l.line(), l.column()), "range");
            } catch (HtmlEscapeError e) {
                throw new HtmlEscapeError(e.loc, l.line(), "at range loop continue: " + e.description);
            }
        }
        return c0;
    }

    private record Outcome(HtmlContext context, boolean ok) {
    }

    /** Go's escapeListConditionally: inferences are kept only when {@code filter} accepts the outcome. */
    private Outcome conditionally(HtmlContext c, List<TemplateNode> nodes, String parsedIn, String calleeOrSame,
                                  java.util.function.BiPredicate<HtmlEscaper, HtmlContext> filter) throws HtmlEscapeError {
        HtmlEscaper e1 = new HtmlEscaper(bodies, parsedFrom, startOf, new HashMap<>(output), range);
        e1.top = top;
        e1.file = parsedIn;
        e1.dname = calleeOrSame;
        HtmlContext c1 = e1.escapeList(c, nodes);
        boolean ok = filter != null && filter.test(e1, c1);
        if (ok) {
            output.putAll(e1.output);
            called.addAll(e1.called);
            for (Map.Entry<String, Map<TemplateNode, Object>> e : e1.edits.entrySet()) {
                edits.computeIfAbsent(e.getKey(), k -> new java.util.IdentityHashMap<>()).putAll(e.getValue());
            }
        }
        return new Outcome(c1, ok);
    }

    /** Escapes template {@code name} called in context {@code c} and returns the context after it. */
    private HtmlContext escapeTree(HtmlContext c, String loc, String name) throws HtmlEscapeError {
        String dname = c.mangle(name);
        called.add(dname);
        HtmlContext known = output.get(dname);
        if (known != null) {
            return known;
        }
        List<TemplateNode> body = bodies.apply(name);
        if (body == null) {
            throw new HtmlEscapeError(loc, 0, "no such template " + GoFormat.quote(name));
        }
        return computeOutCtx(c, name, dname, body);
    }

    private HtmlContext computeOutCtx(HtmlContext c, String name, String dname, List<TemplateNode> body) throws HtmlEscapeError {
        Outcome first = escapeTemplateBody(c, name, dname, body);
        if (first.ok) {
            return first.context;
        }
        // Guess again, assuming the context the first try ended in.
        try {
            Outcome second = escapeTemplateBody(first.context, name, dname, body);
            if (second.ok) {
                return second.context;
            }
        } catch (HtmlEscapeError e) {
            // Neither guess holds.
        }
        TemplateNode.Position start = startOf.apply(name);
        throw new HtmlEscapeError(parsedFrom.apply(name) + ":" + start.line() + ":" + (start.column() - 1), 0,
                "cannot compute output context for template " + dname);
    }

    private Outcome escapeTemplateBody(HtmlContext c, String name, String dname, List<TemplateNode> body) throws HtmlEscapeError {
        // Assume the output context is the start context, so a recursive call ends at once.
        output.put(dname, c);
        return conditionally(c, body, parsedFrom.apply(name), dname, (e1, c1) -> !e1.called.contains(dname) || c.eq(c1));
    }
}

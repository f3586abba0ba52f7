package io.promethium.templates;

import io.promethium.templates.TemplateNode.Branch;
import io.promethium.templates.TemplateNode.Command;
import io.promethium.templates.TemplateNode.Constant;
import io.promethium.templates.TemplateNode.DotField;
import io.promethium.templates.TemplateNode.Function;
import io.promethium.templates.TemplateNode.Nested;
import io.promethium.templates.TemplateNode.Operand;
import io.promethium.templates.TemplateNode.Pipeline;
import io.promethium.templates.TemplateNode.Variable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed Go text/template (the subset alert templates use). Immutable; {@link #execute} may
 * run concurrently. Map lookups of missing keys give the zero value, as Prometheus sets
 * {@code missingkey=zero}.
 */
public final class Template {

    /** Output beyond this is an error: a template must not eat the heap. */
    static final int MAX_OUTPUT = 1 << 20;
    /** Iterations of a range over an integer; more is an error rather than a stall. */
    static final long MAX_RANGE = 100_000;

    /** Nested {@code {{template}}} calls beyond this are an error (recursive definitions). */
    static final int MAX_INCLUDE_DEPTH = 100;

    private final String name;
    private final Dialect dialect;
    private final List<TemplateNode> nodes;
    private final Map<String, List<TemplateNode>> definitions;
    /** The name of the text each definition was parsed from (Go's ParseName), for error locations. */
    private final Map<String, String> definedIn;
    /** Where each definition's body starts in its text, for error locations. */
    private final Map<String, TemplateNode.Position> startsAt;
    /**
     * The outcome of Go's escaping pass, computed at the first HTML execution as Go does it:
     * Go's error, or the contexts that decide how each node is escaped. A memo, not state: every
     * run would compute the same.
     */
    private final java.util.concurrent.atomic.AtomicReference<HtmlEscaper.Escaped> htmlChecked =
            new java.util.concurrent.atomic.AtomicReference<>();

    private Template(String name, Dialect dialect, List<TemplateNode> nodes, Map<String, List<TemplateNode>> definitions,
                     Map<String, String> definedIn, Map<String, TemplateNode.Position> startsAt) {
        this.definedIn = definedIn;
        this.startsAt = startsAt;
        this.name = name;
        this.dialect = dialect;
        this.nodes = nodes;
        this.definitions = definitions;
    }

    /** Parses {@code text} as a Prometheus rule template; the error names the template and line, as Go's parser does. */
    public static Template parse(String name, String text) throws TemplateException {
        return parse(name, text, Dialect.PROMETHEUS, null);
    }

    /**
     * Parses {@code text} with a dialect's functions. The templates {@code base} defines
     * ({@code {{define}}}) are visible to this one; this text's own definitions replace those of
     * the same name, as when Go parses one more file into a template set.
     */
    public static Template parse(String name, String text, Dialect dialect, Template base) throws TemplateException {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(text, "text is null");
        Objects.requireNonNull(dialect, "dialect is null");
        TemplateParser.Parsed parsed = TemplateParser.parse(name, text, dialect.functions());
        Map<String, List<TemplateNode>> all = new java.util.HashMap<>();
        if (base != null) {
            all.putAll(base.definitions);
        }
        all.putAll(parsed.definitions());
        Map<String, String> in = new java.util.HashMap<>();
        Map<String, TemplateNode.Position> starts = new java.util.HashMap<>();
        if (base != null) {
            in.putAll(base.definedIn);
            starts.putAll(base.startsAt);
        }
        starts.putAll(parsed.starts());
        for (String d : parsed.definitions().keySet()) {
            in.put(d, name);
        }
        return new Template(name, dialect, parsed.nodes(), Map.copyOf(all), Map.copyOf(in), Map.copyOf(starts));
    }

    public String name() {
        return name;
    }

    /** Whether {@code {{define "definition"}}} exists here or in the base. */
    public boolean defines(String definition) {
        return definitions.containsKey(definition);
    }

    /**
     * Runs the template with {@code data} as dot and {@code $}; Prometheus's {@code now} is the
     * time of this call (a rule passes its evaluation time with {@link #execute(Object, ExecutionContext)}).
     */
    public String execute(Object data, QueryFunction query, String externalUrl) throws TemplateException {
        return execute(data, new ExecutionContext(query, externalUrl, java.time.Instant.now(), java.time.Clock.systemUTC()));
    }

    /** Runs the template with {@code data} as dot and {@code $} in {@code context}. */
    public String execute(Object data, ExecutionContext context) throws TemplateException {
        Execution run = new Execution(data, functions(data, context, false, new RouteLabelResolver(this, data, context, false)), false);
        run.walk(nodes, data);
        return run.out.toString();
    }

    private TemplateFunctions functions(Object data, ExecutionContext context, boolean html, RouteLabelResolver resolver) {
        return new TemplateFunctions(context, dialect, resolver::resolve);
    }

    Dialect dialect() {
        return dialect;
    }

    /** A run that shares {@code resolver} with the run that called {@code routeLabels}. */
    String run(Object data, ExecutionContext context, boolean html, RouteLabelResolver resolver) throws TemplateException {
        Execution run = new Execution(data, functions(data, context, html, resolver), html);
        if (html) {
            run.escaped = escaped();
            run.decisions = run.escaped.of(name);
        }
        run.walk(nodes, data);
        if (html) {
            run.finishHtml();
        }
        return run.out.toString();
    }

    /**
     * Renders Alertmanager's route labels of {@code data} as its dispatcher does before a
     * notification ({@code RouteLabelRenderer}): each value as a text template against
     * {@code data}, one resolver shared by all so a label that others refer to is rendered once;
     * a label that fails to render is left out, with its error given to {@code failed}.
     */
    public Map<String, String> renderRouteLabels(RouteLabelSource data, ExecutionContext context,
                                                 java.util.function.BiConsumer<String, TemplateException> failed) {
        RouteLabelResolver resolver = new RouteLabelResolver(this, data, context, false);
        Map<String, String> out = new java.util.TreeMap<>();
        for (String label : new java.util.TreeSet<>(data.routeLabels().keySet())) {
            try {
                out.put(label, resolver.resolve(label));
            } catch (TemplateException e) {
                failed.accept(label, e);
            }
        }
        return out;
    }

    /**
     * Runs the template as Go's html/template would: every printed value escaped for the HTML
     * context it lands in (text, attribute, URL, ...), HTML comments dropped. Alertmanager renders
     * the email {@code html} body, Telegram's HTML messages and Pushover's HTML messages so.
     *
     * @throws TemplateException also where Go's escaping pass refuses the template ({@link #checkHtml}),
     *     whatever the data
     */
    public String executeHtml(Object data, QueryFunction query, String externalUrl) throws TemplateException {
        return executeHtml(data, new ExecutionContext(query, externalUrl, java.time.Instant.now(), java.time.Clock.systemUTC()));
    }

    /** {@link #executeHtml(Object, QueryFunction, String)} in {@code context}. */
    public String executeHtml(Object data, ExecutionContext context) throws TemplateException {
        Execution run = new Execution(data, functions(data, context, true, new RouteLabelResolver(this, data, context, true)), true);
        run.escaped = escaped();
        run.decisions = run.escaped.of(name);
        run.walk(nodes, data);
        run.finishHtml();
        return run.out.toString();
    }

    /**
     * Escapes the whole template as Go's html/template does before its first execution: every
     * branch and every called template, whatever the data. Throws Go's error where Go refuses the
     * template (branches or range iterations ending in different contexts, a value in an
     * ambiguous URL context, output ending in a non-text context, a broken JS or CSS literal, a
     * predefined escaper where Go forbids it, ...).
     */
    public void checkHtml() throws TemplateException {
        escaped();
    }

    private HtmlEscaper.Escaped escaped() throws TemplateException {
        HtmlEscaper.Escaped result = htmlChecked.get();
        if (result == null) {
            result = new HtmlEscaper(this::body, d -> d.equals(name) ? name : definedIn.getOrDefault(d, name),
                    d -> d.equals(name) ? new TemplateNode.Position(1, 1) : startsAt.getOrDefault(d, new TemplateNode.Position(1, 1)))
                    .escape(name);
            htmlChecked.compareAndSet(null, result);
        }
        if (result.error() != null) {
            throw new TemplateException(result.error());
        }
        return result;
    }

    /** The body of the template {@code n}: this one's own text under its name, else a definition. */
    private List<TemplateNode> body(String n) {
        return n.equals(name) ? nodes : definitions.get(n);
    }

    /** Runs the defined template {@code definition} with {@code data} as dot, as Go's ExecuteTemplate. */
    public String executeDefinition(String definition, Object data) throws TemplateException {
        return executeDefinition(definition, data, new ExecutionContext(QueryFunction.NONE, "", java.time.Instant.now(),
                java.time.Clock.systemUTC()));
    }

    /** {@link #executeDefinition(String, Object)} in {@code context}. */
    public String executeDefinition(String definition, Object data, ExecutionContext context) throws TemplateException {
        List<TemplateNode> body = definitions.get(definition);
        if (body == null) {
            throw new TemplateException("template: no template " + GoFormat.quote(definition) + " associated with template "
                    + GoFormat.quote(name));
        }
        Execution run = new Execution(data, functions(data, context, false, new RouteLabelResolver(this, data, context, false)), false);
        run.walk(body, data);
        return run.out.toString();
    }

    /** The state of one execution: output and variable stack. */
    private final class Execution {
        final StringBuilder out = new StringBuilder();
        final List<String> varNames = new ArrayList<>();
        final List<Object> varValues = new ArrayList<>();
        final TemplateFunctions functions;
        int includeDepth;
        /** The HTML context of the output so far, or null when not escaping. */
        HtmlContext html;
        /** Go's escaping decisions, when escaping. */
        HtmlEscaper.Escaped escaped;
        /** The decisions for the nodes of the (derived) template running now. */
        Map<TemplateNode, Object> decisions = Map.of();
        /**
         * Whether a null dot is a nil element of the range running now (Go: a valid nil interface,
         * whose field is an error) rather than no value (Go: an invalid reflect.Value, from nil
         * data, {@code {{template "x"}}} without a pipeline or a pipeline's nil, whose fields are
         * no value). Only read when dot is null.
         */
        boolean dotIsNilElement;

        Execution(Object data, TemplateFunctions functions, boolean html) {
            this.functions = functions;
            this.html = html ? HtmlContext.TEXT : null;
            push("$", data);
        }

        void finishHtml() throws TemplateException {
            if (html.state() == HtmlContext.State.ERROR) {
                throw new TemplateException("html/template:" + name + ": " + html.error());
            }
            if (html.state() != HtmlContext.State.TEXT) {
                throw new TemplateException("html/template:" + name + ": ends in a non-text context: " + html.goString());
            }
        }

        /** Prints an action's value escaped for the current HTML context, merging a trailing html or urlquery as Go does. */
        private void printEscaped(TemplateNode.Action a, Object dot) throws TemplateException {
            Pipeline p = a.pipeline();
            // The context Go's escaping pass chose for this action (for every run of it, as Go rewrites the tree once).
            HtmlContext c = decisions.get(a) instanceof HtmlContext k ? k : HtmlEscaping.nudge(html);
            List<Command> cmds = p.commands();
            String where = name + ":" + p.line() + ":" + (p.column() - 1);
            String predefined = null;
            for (int i = 0; i < cmds.size(); i++) {
                if (cmds.get(i).operands().get(0) instanceof Function f && (f.name().equals("html") || f.name().equals("urlquery"))) {
                    if (i < cmds.size() - 1 || c.state() == HtmlContext.State.ATTR && c.delim() == HtmlContext.Delim.SPACE_OR_TAG_END
                            && f.name().equals("html")) {
                        throw new TemplateException("html/template:" + where + ": predefined escaper " + GoFormat.quote(f.name())
                                + " disallowed in template");
                    }
                    predefined = f.name();
                }
            }
            List<HtmlEscaping.Escaper> escapers = HtmlEscaping.escapers(c, where);
            boolean dup = false;
            if (predefined != null) {
                for (HtmlEscaping.Escaper e : escapers) {
                    dup |= predefined.equals(e.equivalent);
                }
            }
            Object v;
            if (dup) {
                // The pipeline's own html/urlquery takes the place of the equivalent escaper.
                Command last = cmds.get(cmds.size() - 1);
                if (cmds.size() == 1) {
                    List<Object> args = new ArrayList<>();
                    for (int i = 1; i < last.operands().size(); i++) {
                        args.add(operand(p, last, last.operands().get(i), dot));
                    }
                    try {
                        // Go rewrites {{html a b}} as {{_eval_args_ a b | html}}.
                        v = TemplateFunctions.evalArgs(args);
                    } catch (Exception ex) {
                        throw new TemplateException("html/template:" + where + ": " + ex.getMessage());
                    }
                } else {
                    v = NONE;
                    for (int i = 0; i < cmds.size() - 1; i++) {
                        v = command(p, cmds.get(i), dot, v);
                    }
                }
            } else {
                v = value(p, dot);
            }
            HtmlEscaping.Escaper last = null;
            for (HtmlEscaping.Escaper e : escapers) {
                if (dup && predefined.equals(e.equivalent)) {
                    try {
                        v = functions.call(predefined, java.util.Collections.singletonList(v));
                    } catch (Exception ex) {
                        throw new TemplateException("html/template:" + where + ": " + ex.getMessage());
                    }
                    last = null;
                } else if (last == null || !HtmlEscaping.redundant(last, e)) {
                    v = HtmlEscaping.apply(e, v);
                    last = e;
                }
            }
            html = HtmlEscaping.afterAction(c);
            write(v instanceof String s ? s : v instanceof HtmlEscaping.Typed t ? t.text() : GoFormat.printAction(v));
        }

        void push(String var, Object value) {
            varNames.add(var);
            varValues.add(value);
        }

        void popTo(int mark) {
            while (varNames.size() > mark) {
                varNames.remove(varNames.size() - 1);
                varValues.remove(varValues.size() - 1);
            }
        }

        Object variable(String var) {
            for (int i = varNames.size() - 1; i >= 0; i--) {
                if (varNames.get(i).equals(var)) {
                    Object v = varValues.get(i);
                    return v == NIL_ELEMENT ? null : v;
                }
            }
            return null;
        }

        /** Whether {@code var} holds a nil element of a range (Go: a nil interface, not no value). */
        boolean isNilElement(String var) {
            for (int i = varNames.size() - 1; i >= 0; i--) {
                if (varNames.get(i).equals(var)) {
                    return varValues.get(i) == NIL_ELEMENT;
                }
            }
            return false;
        }

        /** Go's setVar: false when no variable of that name is in scope. */
        boolean setVariable(String var, Object value) {
            for (int i = varNames.size() - 1; i >= 0; i--) {
                if (varNames.get(i).equals(var)) {
                    varValues.set(i, value);
                    return true;
                }
            }
            return false;
        }

        void walk(List<TemplateNode> list, Object dot) throws TemplateException {
            for (TemplateNode node : list) {
                switch (node) {
                    case TemplateNode.Text t -> {
                        if (html == null) {
                            write(t.text());
                        } else {
                            StringBuilder b = new StringBuilder();
                            html = HtmlEscaping.text(decisions.get(t) instanceof HtmlContext k ? k : html, t.text(), b);
                            write(b.toString());
                        }
                    }
                    case TemplateNode.Action a -> {
                        if (html != null && a.pipeline().variables().isEmpty()) {
                            printEscaped(a, dot);
                            continue;
                        }
                        Object v = pipeline(a.pipeline(), dot);
                        if (a.pipeline().variables().isEmpty()) {
                            write(GoFormat.printAction(v));
                        }
                    }
                    case Branch b -> branch(b, dot);
                    case TemplateNode.LoopControl l -> throw new LoopSignal(l.isBreak());
                    case TemplateNode.Include i -> include(i, dot);
                    default -> throw new IllegalStateException("unexpected node " + node);
                }
            }
        }

        private void include(TemplateNode.Include i, Object dot) throws TemplateException {
            List<TemplateNode> body = definitions.get(i.name());
            if (body == null) {
                throw new TemplateException("template: " + name + ":" + i.line() + ":" + (i.column() - 1) + ": executing \""
                        + name + "\" at <{{template " + GoFormat.quote(i.name()) + "}}>: template " + GoFormat.quote(i.name())
                        + " not defined");
            }
            if (includeDepth >= MAX_INCLUDE_DEPTH) {
                throw new TemplateException("template: " + name + ": exceeded maximum template depth (" + MAX_INCLUDE_DEPTH + ")");
            }
            Object value = i.pipeline() == null ? null : value(i.pipeline(), dot);
            // A defined template sees only $ (its dot), not the caller's variables.
            List<String> savedNames = new ArrayList<>(varNames);
            List<Object> savedValues = new ArrayList<>(varValues);
            varNames.clear();
            varValues.clear();
            push("$", value);
            includeDepth++;
            boolean callerDotIsNilElement = dotIsNilElement;
            dotIsNilElement = false;
            Map<TemplateNode, Object> callerDecisions = decisions;
            if (escaped != null && decisions.get(i) instanceof String callee) {
                decisions = escaped.of(callee);
            }
            try {
                walk(body, value);
            } finally {
                decisions = callerDecisions;
                dotIsNilElement = callerDotIsNilElement;
                includeDepth--;
                varNames.clear();
                varValues.clear();
                varNames.addAll(savedNames);
                varValues.addAll(savedValues);
            }
        }

        private void branch(Branch b, Object dot) throws TemplateException {
            int mark = varNames.size();
            try {
                switch (b.kind()) {
                    case IF -> {
                        Object v = pipeline(b.pipeline(), dot);
                        walk(TemplateFunctions.truth(v) ? b.body() : b.otherwise(), dot);
                    }
                    case WITH -> {
                        Object v = pipeline(b.pipeline(), dot);
                        if (TemplateFunctions.truth(v)) {
                            walk(b.body(), v);
                        } else {
                            walk(b.otherwise(), dot);
                        }
                    }
                    case RANGE -> range(b, dot);
                }
            } finally {
                popTo(mark);
            }
        }

        private void range(Branch b, Object dot) throws TemplateException {
            Pipeline p = b.pipeline();
            Object v = value(p, dot);
            List<String> vars = p.variables();
            List<Object[]> items = new ArrayList<>();
            switch (v) {
                case null -> {
                }
                case List<?> l -> {
                    for (int i = 0; i < l.size(); i++) {
                        items.add(new Object[] {(long) i, l.get(i)});
                    }
                }
                case Map<?, ?> m -> {
                    for (Map.Entry<?, ?> e : GoOrder.sorted(m).entrySet()) {
                        items.add(new Object[] {e.getKey(), e.getValue()});
                    }
                }
                case Long n -> {
                    if (n > MAX_RANGE) {
                        throw execError(p, "range over " + n + " is more than " + MAX_RANGE + " iterations");
                    }
                    for (long i = 0; i < n; i++) {
                        items.add(new Object[] {i, i});
                    }
                }
                default -> throw execError(p, "range can't iterate over " + GoFormat.print(v));
            }
            if (items.isEmpty()) {
                walk(b.otherwise(), dot);
                return;
            }
            int mark = varNames.size();
            boolean outerDotIsNilElement = dotIsNilElement;
            for (Object[] item : items) {
                // Go ranges over the elements as they are: a nil element of a list or map of
                // interface{} is a nil interface, not no value.
                Object element = item[1] == null ? NIL_ELEMENT : item[1];
                if (vars.size() == 1) {
                    push(vars.get(0), element);
                } else if (vars.size() == 2) {
                    push(vars.get(0), item[0]);
                    push(vars.get(1), element);
                }
                boolean stop = false;
                dotIsNilElement = item[1] == null;
                try {
                    walk(b.body(), item[1]);
                } catch (LoopSignal signal) {
                    stop = signal.isBreak;
                } finally {
                    dotIsNilElement = outerDotIsNilElement;
                }
                popTo(mark);
                if (stop) {
                    break;
                }
            }
        }

        private void write(String s) throws TemplateException {
            if (out.length() + s.length() > MAX_OUTPUT) {
                throw new TemplateException("template: " + name + ": output longer than " + MAX_OUTPUT + " characters");
            }
            out.append(s);
        }

        /** Evaluates a pipeline and binds its variables (for range the caller binds them). */
        Object pipeline(Pipeline p, Object dot) throws TemplateException {
            Object v = value(p, dot);
            List<String> vars = p.variables();
            if (!vars.isEmpty()) {
                if (p.declare()) {
                    push(vars.get(0), v);
                } else if (!setVariable(vars.get(0), v)) {
                    // Go parses {{$x = 1}} without $x declared and fails when it runs.
                    throw execError(p, p.commands().get(p.commands().size() - 1), "undefined variable: " + vars.get(0));
                }
            }
            return v;
        }

        private Object value(Pipeline p, Object dot) throws TemplateException {
            Object v = NONE;
            for (Command c : p.commands()) {
                v = command(p, c, dot, v);
            }
            return v;
        }

        private Object command(Pipeline p, Command c, Object dot, Object piped) throws TemplateException {
            Operand first = c.operands().get(0);
            if (first instanceof Function f) {
                List<Object> args = arguments(p, c, f.name(), dot, piped);
                try {
                    return functions.call(f.name(), args);
                } catch (TemplateException e) {
                    throw execError(p, c, e.getMessage().startsWith("error calling") || e.getMessage().startsWith("wrong")
                            ? e.getMessage() : "error calling " + f.name() + ": " + e.getMessage());
                } catch (RuntimeException e) {
                    throw execError(p, c, "error calling " + f.name() + ": " + e.getMessage());
                } catch (Exception e) {
                    throw execError(p, c, "error calling " + f.name() + ": " + e.getMessage());
                }
            }
            if (c.operands().size() > 1 || piped != NONE) {
                List<String> chain = switch (first) {
                    case DotField d -> d.fields();
                    case Variable v -> v.fields();
                    case Nested n -> n.fields();
                    default -> List.of();
                };
                if (!chain.isEmpty()) {
                    // A method with arguments: .CommonLabels.Remove .GroupLabels.Names
                    Object start = switch (first) {
                        case DotField d -> dot;
                        case Variable v -> variable(v.name());
                        case Nested n -> value(n.pipeline(), dot);
                        default -> throw new IllegalStateException();
                    };
                    if (start == null && isNoValue(first)) {
                        // Go's evalField gives the zero value for every field of no value, arguments or not.
                        return null;
                    }
                    Object receiver = fields(p, c, start, chain.subList(0, chain.size() - 1));
                    if (receiver instanceof TemplateValue tv) {
                        List<Object> args = new ArrayList<>();
                        for (int i = 1; i < c.operands().size(); i++) {
                            args.add(operand(p, c, c.operands().get(i), dot));
                        }
                        if (piped != NONE) {
                            args.add(piped);
                        }
                        try {
                            return tv.call(chain.get(chain.size() - 1), args);
                        } catch (TemplateException e) {
                            throw execError(p, c, e.getMessage());
                        }
                    }
                }
                throw execError(p, c, "can't give argument to non-function " + c.source().split(" ")[0]);
            }
            if (first instanceof Constant k && k.value() == null) {
                // The only null constant is the nil keyword, which Go evaluates only as an argument.
                throw execError(p, c, "nil is not a command");
            }
            return operand(p, c, first, dot);
        }

        private Object operand(Pipeline p, Command c, Operand o, Object dot) throws TemplateException {
            operandNoValue = false;
            return switch (o) {
                case Constant k -> {
                    if (k.value() instanceof GoNumber.Overflow overflow) {
                        // Go's idealConstant: a constant only a uint64 can hold is no int.
                        int i = c.operands().indexOf(o);
                        throw execErrorAt(p, c.position(i), c.source(i), overflow.text() + " overflows int");
                    }
                    yield k.value();
                }
                case DotField d -> {
                    if (dot == null && isNoValue(d)) {
                        operandNoValue = true;
                        yield null;
                    }
                    yield fields(p, c, dot, d.fields());
                }
                case Variable v -> {
                    Object value = variable(v.name());
                    if (value == null && isNoValue(v)) {
                        operandNoValue = true;
                        yield null;
                    }
                    yield fields(p, c, value, v.fields());
                }
                case Nested n -> {
                    Object value = value(n.pipeline(), dot);
                    operandNoValue = false;
                    if (value == null) {
                        operandNoValue = true;
                        yield null;
                    }
                    yield fields(p, c, value, n.fields());
                }
                case Function f -> {
                    Object result = command(p, new Command(List.of(f), f.name()), dot, NONE);
                    operandNoValue = false;
                    yield result;
                }
            };
        }

        /**
         * Whether the last {@link #operand} gave no value (Go's invalid reflect.Value: nil data, a
         * pipeline's nil, a variable set to nil) rather than a nil interface (a map's nil value, a
         * nil element of a range), which Go's validateType tells apart.
         */
        private boolean operandNoValue;

        /**
         * A function's arguments as Go's evalCall evaluates them: the number first ("wrong number
         * of args", at the function's name), then each argument against its Go parameter type
         * (evalArg and validateType, at the argument: "invalid value; expected string" for no
         * value, "wrong type for value; expected string; got interface {}" for a nil interface,
         * "cannot assign nil to string" for {@code nil}, "expected string; found 1" for a
         * constant of another kind), then the piped value (at the last argument, or the name).
         */
        private List<Object> arguments(Pipeline p, Command c, String function, Object dot, Object piped) throws TemplateException {
            TemplateFunctions.Signature sig = TemplateFunctions.signature(function);
            int given = c.operands().size() - 1;
            int numIn = given + (piped != NONE ? 1 : 0);
            List<String> params = sig.params();
            int numFixed = sig.variadic() ? params.size() - 1 : given;
            if (sig.variadic() && numIn < numFixed) {
                throw execErrorAt(p, c.position(0), c.source(0), "wrong number of args for " + function + ": want at least "
                        + (params.size() - 1) + " got " + given);
            }
            if (!sig.variadic() && numIn != params.size()) {
                throw execErrorAt(p, c.position(0), c.source(0), "wrong number of args for " + function + ": want " + params.size()
                        + " got " + numIn);
            }
            List<Object> args = new ArrayList<>(numIn);
            int at = 0;
            for (int i = 1; i <= given; i++) {
                Operand o = c.operands().get(i);
                String type = sig.param(i - 1);
                // A constant is judged by its kind before it is evaluated (Go's evalString comes before idealConstant).
                String problem = o instanceof Constant k ? TemplateFunctions.constantProblem(k.value(), c.source(i), type) : null;
                if (problem != null) {
                    throw execErrorAt(p, c.position(i), c.source(i), problem);
                }
                Object v = operand(p, c, o, dot);
                boolean noValue = operandNoValue;
                problem = o instanceof Constant ? null : TemplateFunctions.valueProblem(v, noValue, type);
                if (problem != null) {
                    throw execErrorAt(p, c.position(i), c.source(i), problem);
                }
                if (v == null && function.equals("len")) {
                    // Go's length gets an invalid reflect.Value for no value or nil, whose Type() panics.
                    throw execError(p, c, "error calling len: " + (noValue || o instanceof Constant
                            ? "reflect: call of reflect.Value.Type on zero Value" : "len of nil pointer"));
                }
                args.add(v);
                at = i;
            }
            if (piped != NONE) {
                // A piped nil is no value: Go's evalPipeline unwraps each command's nil interface.
                String problem = TemplateFunctions.valueProblem(piped, true, sig.param(numIn - 1));
                if (problem != null) {
                    throw execErrorAt(p, c.position(at), c.source(at), problem);
                }
                if (piped == null && function.equals("len")) {
                    throw execError(p, c, "error calling len: reflect: call of reflect.Value.Type on zero Value");
                }
                args.add(piped);
            }
            return args;
        }

        /**
         * Whether a null at the start of {@code o}'s chain is Go's invalid reflect.Value (no value),
         * whose fields are all the zero value under {@code missingkey=zero} (Go's evalField: "nil
         * data; no entry for key" only under {@code missingkey=error}), rather than a nil element
         * of a range, whose field is "nil pointer evaluating interface {}.X". Dot and {@code $} are
         * no value when the data is nil or a {@code {{template}}} passes none, a variable when the
         * pipeline that set it gave nil, a parenthesized pipeline always (Go unwraps its nil).
         */
        private boolean isNoValue(Operand o) {
            return switch (o) {
                case DotField d -> !dotIsNilElement;
                case Variable v -> !isNilElement(v.name());
                case Nested n -> true;
                default -> false;
            };
        }

        private Object fields(Pipeline p, Command c, Object receiver, List<String> names) throws TemplateException {
            Object v = receiver;
            for (String field : names) {
                v = switch (v) {
                    case TemplateValue tv -> {
                        Object got = tv.field(field);
                        if (got == TemplateValue.NO_FIELD) {
                            throw execError(p, c, "can't evaluate field " + field + " in type " + tv.typeName());
                        }
                        yield got;
                    }
                    case Map<?, ?> m -> {
                        // missingkey=zero: "" for label maps (map[string]string), nil for args maps.
                        Object got = m.get(field);
                        yield got == null ? (m.isEmpty() || m.values().iterator().next() instanceof String ? "" : null) : got;
                    }
                    case QuerySample s -> switch (field) {
                        case "Labels" -> s.labelMap();
                        case "Value" -> s.value();
                        default -> throw execError(p, c, "can't evaluate field " + field + " in type template.sample");
                    };
                    case null -> throw execError(p, c, "nil pointer evaluating interface {}." + field);
                    default -> throw execError(p, c, "can't evaluate field " + field + " in type " + GoFormat.typeName(v));
                };
            }
            return v;
        }

        private TemplateException execError(Pipeline p, String message) {
            return new TemplateException("template: " + name + ":" + p.line() + ":" + (p.column() - 1) + ": executing \""
                    + name + "\": " + message);
        }

        /** An error placed at a node of a command (Go's s.at(node)): its position and text, else the pipeline's. */
        private TemplateException execErrorAt(Pipeline p, TemplateNode.Position at, String context, String message) {
            int line = at == null ? p.line() : at.line();
            int column = at == null ? p.column() : at.column();
            return new TemplateException("template: " + name + ":" + line + ":" + (column - 1) + ": executing \""
                    + name + "\" at <" + context + ">: " + message);
        }

        /** An error placed at a command (Go's s.at(cmd)): where its first word starts, in a pipe too. */
        private TemplateException execError(Pipeline p, Command c, String message) {
            TemplateNode.Position at = c.position(0);
            int line = at == null ? p.line() : at.line();
            int column = at == null ? p.column() : at.column();
            return new TemplateException("template: " + name + ":" + line + ":" + (column - 1) + ": executing \""
                    + name + "\" at <" + c.source() + ">: " + message);
        }
    }

    /** {@code {{break}}} or {@code {{continue}}} unwinding to its range loop (no stack trace: control flow). */
    private static final class LoopSignal extends RuntimeException {
        private final boolean isBreak;

        LoopSignal(boolean isBreak) {
            super(null, null, false, false);
            this.isBreak = isBreak;
        }
    }

    /** Marks "no value piped in" (nil is a legal piped value). */
    private static final Object NONE = new Object();

    /** A nil element of a range bound to a variable (a nil interface in Go), told apart from no value. */
    private static final Object NIL_ELEMENT = new Object();
}

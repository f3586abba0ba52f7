package io.promethium.templates;

import io.promethium.templates.TemplateLexer.Token;
import io.promethium.templates.TemplateLexer.Type;
import io.promethium.templates.TemplateNode.Branch;
import io.promethium.templates.TemplateNode.Command;
import io.promethium.templates.TemplateNode.Constant;
import io.promethium.templates.TemplateNode.DotField;
import io.promethium.templates.TemplateNode.Function;
import io.promethium.templates.TemplateNode.Kind;
import io.promethium.templates.TemplateNode.Nested;
import io.promethium.templates.TemplateNode.Operand;
import io.promethium.templates.TemplateNode.Pipeline;
import io.promethium.templates.TemplateNode.Variable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds the tree of a template from its tokens. Checks what Go checks at parse time: balanced
 * {@code if/range/with ... end}, known functions, declared variables.
 */
final class TemplateParser {

    private final String name;
    private final List<Token> tokens;
    private final Set<String> functions;
    private final List<Set<String>> scopes = new ArrayList<>();
    private final java.util.Map<String, List<TemplateNode>> definitions = new java.util.LinkedHashMap<>();
    private final java.util.Map<String, TemplateNode.Position> starts = new java.util.HashMap<>();
    private int index;
    /** Nesting of blocks and parentheses; bounded so hostile input cannot overflow the stack. */
    private int depth;
    /** Ranges open around the current position: break and continue are allowed only inside one. */
    private int rangeDepth;
    static final int MAX_DEPTH = 100;

    private TemplateParser(String name, List<Token> tokens, Set<String> functions) {
        this.name = name;
        this.tokens = tokens;
        this.functions = functions;
        scopes.add(new HashSet<>(Set.of("$")));
    }

    /** A parsed text: its top-level nodes and the templates it defines with define or block. */
    record Parsed(List<TemplateNode> nodes, java.util.Map<String, List<TemplateNode>> definitions,
                  java.util.Map<String, TemplateNode.Position> starts) {
    }

    static Parsed parse(String name, String text, Set<String> functions) throws TemplateException {
        TemplateParser parser = new TemplateParser(name, TemplateLexer.lex(name, text), functions);
        List<TemplateNode> nodes = new ArrayList<>();
        String end = parser.parseList(nodes);
        if (end != null) {
            throw parser.error(parser.previous(), "unexpected {{" + end + "}}");
        }
        return new Parsed(List.copyOf(nodes), java.util.Map.copyOf(parser.definitions), java.util.Map.copyOf(parser.starts));
    }

    /** Parses nodes until EOF (returns null) or an {@code {{end}}}/{@code {{else}}} (returns which; consumed up to the keyword). */
    private String parseList(List<TemplateNode> out) throws TemplateException {
        while (true) {
            Token t = next();
            switch (t.type()) {
                case EOF -> {
                    return null;
                }
                case TEXT -> out.add(new TemplateNode.Text(t.text()));
                case LEFT -> {
                    Token k = peek();
                    if (k.type() == Type.IDENT) {
                        switch (k.text()) {
                            case "end" -> {
                                next();
                                expect(Type.RIGHT, "end");
                                return "end";
                            }
                            case "else" -> {
                                next();
                                return "else";
                            }
                            case "if" -> {
                                next();
                                out.add(parseBranch(Kind.IF, k));
                                continue;
                            }
                            case "range" -> {
                                next();
                                out.add(parseBranch(Kind.RANGE, k));
                                continue;
                            }
                            case "with" -> {
                                next();
                                out.add(parseBranch(Kind.WITH, k));
                                continue;
                            }
                            case "define" -> {
                                next();
                                if (depth > 0 || scopes.size() > 1) {
                                    throw error(k, "unexpected <define> in command");
                                }
                                parseDefinition(k, false);
                                continue;
                            }
                            case "block" -> {
                                next();
                                out.add(parseDefinition(k, true));
                                continue;
                            }
                            case "template" -> {
                                next();
                                out.add(parseInclude(k));
                                continue;
                            }
                            case "break", "continue" -> {
                                next();
                                Token r = next();
                                if (r.type() != Type.RIGHT) {
                                    throw error(r, "unexpected " + r + " in {{" + k.text() + "}}");
                                }
                                if (rangeDepth == 0) {
                                    throw error(k, "{{" + k.text() + "}} outside {{range}}");
                                }
                                out.add(new TemplateNode.LoopControl(k.text().equals("break"), k.line(), k.column()));
                                continue;
                            }
                            default -> {
                            }
                        }
                    }
                    Pipeline pipeline = parsePipeline("command", true);
                    expect(Type.RIGHT, "command");
                    // Go places an action right after its left delimiter and trim marker, on the next
                    // line when the marker's space is a newline.
                    out.add(t.text().endsWith("\n") ? new TemplateNode.Action(pipeline, t.line() + 1, 1)
                            : new TemplateNode.Action(pipeline, t.line(), t.column() + t.text().length()));
                }
                default -> throw error(t, "unexpected " + t);
            }
        }
    }

    /** {@code define "name"}} or {@code block "name" pipeline}}: body up to {@code end}, in a fresh variable scope. */
    private TemplateNode parseDefinition(Token keyword, boolean block) throws TemplateException {
        Token nameToken = next();
        if (nameToken.type() != Type.STRING) {
            throw error(nameToken, "unexpected " + nameToken + " in " + keyword.text() + " clause");
        }
        Pipeline pipeline = null;
        if (block) {
            pipeline = parsePipeline(keyword.text() + " clause", false);
        }
        expect(Type.RIGHT, keyword.text() + " clause");
        Token bodyStart = peek();
        if (++depth > MAX_DEPTH) {
            throw error(keyword, "nesting deeper than " + MAX_DEPTH);
        }
        List<Set<String>> outer = new ArrayList<>(scopes);
        scopes.clear();
        scopes.add(new HashSet<>(Set.of("$")));
        List<TemplateNode> body = new ArrayList<>();
        String end;
        int outerRanges = rangeDepth;
        rangeDepth = 0;
        try {
            end = parseList(body);
        } finally {
            scopes.clear();
            scopes.addAll(outer);
            depth--;
            rangeDepth = outerRanges;
        }
        if (!"end".equals(end)) {
            throw error(keyword, end == null ? "unexpected EOF" : "unexpected {{else}} in " + keyword.text());
        }
        List<TemplateNode> earlier = definitions.get(nameToken.text());
        if (earlier != null && !isEmpty(earlier) && !isEmpty(body)) {
            throw error(previous(), "template: multiple definition of template " + GoFormat.quote(nameToken.text()));
        }
        if (earlier == null || isEmpty(earlier)) {
            definitions.put(nameToken.text(), List.copyOf(body));
            starts.put(nameToken.text(), new TemplateNode.Position(bodyStart.line(), bodyStart.column()));
        }
        return block ? new TemplateNode.Include(nameToken.text(), pipeline, nameToken.line(), nameToken.column()) : null;
    }

    /** Go's IsEmptyTree: nothing but text of spaces. */
    private static boolean isEmpty(List<TemplateNode> nodes) {
        for (TemplateNode n : nodes) {
            if (!(n instanceof TemplateNode.Text t) || !t.text().strip().isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** {@code template "name" [pipeline]}}. */
    private TemplateNode parseInclude(Token keyword) throws TemplateException {
        Token nameToken = next();
        if (nameToken.type() != Type.STRING) {
            throw error(nameToken, "unexpected " + nameToken + " in template clause");
        }
        Pipeline pipeline = null;
        if (peek().type() != Type.RIGHT) {
            pipeline = parsePipeline("template clause", false);
        }
        expect(Type.RIGHT, "template clause");
        return new TemplateNode.Include(nameToken.text(), pipeline, nameToken.line(), nameToken.column());
    }

    private Branch parseBranch(Kind kind, Token keyword) throws TemplateException {
        if (++depth > MAX_DEPTH) {
            throw error(keyword, "nesting deeper than " + MAX_DEPTH);
        }
        try {
            return parseBranchBody(kind, keyword);
        } finally {
            depth--;
        }
    }

    private Branch parseBranchBody(Kind kind, Token keyword) throws TemplateException {
        String context = kind.name().toLowerCase();
        scopes.add(new HashSet<>());
        Pipeline pipeline = parsePipeline(context, true);
        expect(Type.RIGHT, context);
        List<TemplateNode> body = new ArrayList<>();
        if (kind == Kind.RANGE) {
            rangeDepth++;
        }
        String end;
        try {
            end = parseList(body);
        } finally {
            if (kind == Kind.RANGE) {
                rangeDepth--;
            }
        }
        scopes.remove(scopes.size() - 1);
        List<TemplateNode> otherwise = List.of();
        if (end == null) {
            throw error(keyword, "unexpected EOF");
        }
        if (end.equals("else")) {
            otherwise = new ArrayList<>();
            Token k = peek();
            boolean elseIf = k.type() == Type.IDENT && (k.text().equals("if") || k.text().equals("with"));
            if (elseIf && !k.text().equals(context)) {
                // Go's {{else if}} continues only an if, {{else with}} only a with; elsewhere the
                // keyword is met where text or an action must be.
                throw error(k, "unexpected " + k + " in input");
            }
            if (elseIf) {
                // {{else if ...}} is {{else}}{{if ...}}...{{end}}{{end}} sharing the outer end.
                next();
                otherwise.add(parseBranch(k.text().equals("if") ? Kind.IF : Kind.WITH, k));
                return new Branch(kind, pipeline, body, otherwise);
            }
            expect(Type.RIGHT, "else");
            String end2 = parseList(otherwise);
            if (!"end".equals(end2)) {
                throw error(keyword, end2 == null ? "unexpected EOF" : "expected end; found {{else}}");
            }
        }
        return new Branch(kind, pipeline, body, otherwise);
    }

    /**
     * Go's pipeline: declarations ({@code $x :=}, {@code $x =}, in a range {@code $k, $v :=}),
     * then commands separated by {@code |} up to the right delimiter or parenthesis; a token that
     * cannot start a command is "unexpected ... in CONTEXT", none at all "missing value for
     * CONTEXT", and a later stage that is a constant or dot "non executable command in pipeline
     * stage N".
     */
    private Pipeline parsePipeline(String context, boolean allowDecl) throws TemplateException {
        Token first = peek();
        List<String> variables = new ArrayList<>();
        boolean declare = false;
        while (allowDecl && peek().type() == Type.VARIABLE) {
            int save = index;
            Token v = next();
            Token op = peek();
            if (op.type() == Type.DECLARE || op.type() == Type.ASSIGN) {
                next();
                declare = op.type() == Type.DECLARE;
                variables.add(v.text());
                // Go adds both to the variables in scope; an assignment to an undeclared one fails when run.
                scopes.get(scopes.size() - 1).add(v.text());
                break;
            }
            if (op.type() == Type.COMMA) {
                next();
                variables.add(v.text());
                declare = true;
                scopes.get(scopes.size() - 1).add(v.text());
                if (context.equals("range") && variables.size() < 2) {
                    Type after = peek().type();
                    if (after == Type.VARIABLE || after == Type.RIGHT || after == Type.RPAREN) {
                        continue;
                    }
                    throw error(peek(), "range can only initialize variables");
                }
                throw error(op, "too many declarations in " + context);
            }
            index = save;
            break;
        }
        List<Command> commands = new ArrayList<>();
        while (true) {
            Token t = peek();
            if (t.type() == Type.RIGHT || t.type() == Type.RPAREN || t.type() == Type.EOF) {
                break;
            }
            if (!startsCommand(t)) {
                throw error(t, "unexpected " + t + " in " + context);
            }
            commands.add(parseCommand());
            if (peek().type() == Type.PIPE) {
                next();
            }
        }
        if (commands.isEmpty()) {
            throw error(peek(), "missing value for " + context);
        }
        for (int i = 1; i < commands.size(); i++) {
            Operand op = commands.get(i).operands().get(0);
            if (op instanceof Constant || commands.get(i).sources().get(0).equals(".")) {
                throw error(peek(), "non executable command in pipeline stage " + (i + 1));
            }
        }
        return new Pipeline(variables, declare, commands, first.line(), first.column());
    }

    /** The tokens Go's pipeline lets start a command. */
    private static boolean startsCommand(Token t) {
        return switch (t.type()) {
            case CHAR, COMPLEX, DOT, FIELD, NUMBER, STRING, VARIABLE, LPAREN -> true;
            case IDENT -> !TemplateLexer.KEYWORDS.contains(t.text()) || t.text().equals("nil");
            default -> false;
        };
    }

    /**
     * Go's command: operands separated by spaces up to {@code |}, the right delimiter or
     * parenthesis; anything else right after an operand is "unexpected ... in operand".
     */
    private Command parseCommand() throws TemplateException {
        List<Operand> operands = new ArrayList<>();
        List<TemplateNode.Position> positions = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        StringBuilder source = new StringBuilder();
        while (true) {
            Token t = peek();
            if (t.type() == Type.RIGHT || t.type() == Type.PIPE || t.type() == Type.RPAREN || t.type() == Type.EOF) {
                break;
            }
            if (!operands.isEmpty() && t.glued()) {
                throw error(t, "unexpected " + t + " in operand");
            }
            if (!source.isEmpty()) {
                source.append(' ');
            }
            int from = source.length();
            positions.add(new TemplateNode.Position(t.line(), t.column()));
            operands.add(parseOperand(source));
            sources.add(source.substring(from));
        }
        return new Command(operands, source.toString(), List.copyOf(positions), List.copyOf(sources));
    }

    private Operand parseOperand(StringBuilder source) throws TemplateException {
        Token t = next();
        source.append(t.type() == Type.STRING ? GoFormat.quote(t.text()) : t.text());
        Operand operand = switch (t.type()) {
            case DOT -> literal(t, new DotField(List.of()));
            case FIELD -> {
                List<String> fields = new ArrayList<>();
                fields.add(t.text().substring(1));
                yield new DotField(fieldsAfter(fields, source));
            }
            case VARIABLE -> {
                if (!declared(t.text())) {
                    throw error(t, "undefined variable \"" + t.text() + "\"");
                }
                yield new Variable(t.text(), fieldsAfter(new ArrayList<>(), source));
            }
            case STRING -> literal(t, new Constant(t.text()));
            case CHAR, NUMBER, COMPLEX -> literal(t, new Constant(number(t)));
            case IDENT -> switch (t.text()) {
                case "block", "break", "continue", "define", "else", "end", "if", "range", "template", "with" ->
                        throw error(t, "unexpected " + t + " in operand");
                case "true" -> literal(t, new Constant(Boolean.TRUE));
                case "false" -> literal(t, new Constant(Boolean.FALSE));
                case "nil" -> literal(t, new Constant(null));
                default -> {
                    if (!functions.contains(t.text())) {
                        throw error(t, "function \"" + t.text() + "\" not defined");
                    }
                    if (peek().type() == Type.FIELD && peek().glued()) {
                        // Go's chain node: the function called without arguments, then its result's fields ({{ now.Unix }}).
                        TemplateNode.Position at = new TemplateNode.Position(t.line(), t.column());
                        Pipeline call = new Pipeline(List.of(), false, List.of(new Command(List.of(new Function(t.text())),
                                t.text(), List.of(at), List.of(t.text()))), t.line(), t.column());
                        yield new Nested(call, fieldsAfter(new ArrayList<>(), source));
                    }
                    yield new Function(t.text());
                }
            };
            case LPAREN -> {
                if (++depth > MAX_DEPTH) {
                    throw error(t, "nesting deeper than " + MAX_DEPTH);
                }
                Pipeline inner = parsePipeline("parenthesized pipeline", false);
                depth--;
                Token close = next();
                if (close.type() != Type.RPAREN) {
                    throw error(close, "unclosed left paren");
                }
                source.append("...)");
                yield new Nested(inner, fieldsAfter(new ArrayList<>(), source));
            }
            default -> throw error(t, "unexpected " + t + " in operand");
        };
        return operand;
    }

    private List<String> fieldsAfter(List<String> fields, StringBuilder source) throws TemplateException {
        // Only a field written right after the operand continues it: ".A.B" is one chain, ".A .B" two operands.
        while (peek().type() == Type.FIELD && peek().glued()) {
            Token f = next();
            source.append(f.text());
            fields.add(f.text().substring(1));
        }
        return List.copyOf(fields);
    }


    /**
     * A literal (or dot) must not have a field written right after it: Go's parser refuses
     * {@code 1.E}, {@code "a".b}, {@code true.x}, {@code nil.E} and {@code ..E} with "unexpected .
     * after term".
     */
    private Operand literal(Token t, Operand operand) throws TemplateException {
        if (peek().type() == Type.FIELD && peek().glued()) {
            String text = t.type() == Type.STRING ? GoFormat.quote(t.text()) : t.text();
            throw error(peek(), "unexpected . after term " + GoFormat.quote(text));
        }
        return operand;
    }

    /** A number or character constant as Go's newNumber reads it, the value its idealConstant gives. */
    private Object number(Token t) throws TemplateException {
        try {
            return GoNumber.constant(t.text(), t.type() == Type.COMPLEX, t.type() == Type.CHAR);
        } catch (GoNumber.SyntaxError e) {
            throw error(t, e.getMessage());
        }
    }

    private boolean declared(String variable) {
        for (Set<String> scope : scopes) {
            if (scope.contains(variable)) {
                return true;
            }
        }
        return false;
    }

    private Token next() throws TemplateException {
        Token t = tokens.get(index);
        if (t.type() == Type.ERROR) {
            throw new TemplateException(t.text());
        }
        if (index < tokens.size() - 1) {
            index++;
        }
        return t;
    }

    private Token peek() throws TemplateException {
        Token t = tokens.get(index);
        if (t.type() == Type.ERROR) {
            throw new TemplateException(t.text());
        }
        return t;
    }

    private Token previous() {
        return tokens.get(Math.max(0, index - 1));
    }

    private void expect(Type type, String context) throws TemplateException {
        Token t = next();
        if (t.type() != type) {
            if (t.type() == Type.EOF) {
                throw error(t, "unclosed action");
            }
            throw error(t, "unexpected " + t + " in " + context);
        }
    }

    private TemplateException error(Token t, String message) {
        return new TemplateException("template: " + name + ":" + t.line() + ": " + message);
    }
}

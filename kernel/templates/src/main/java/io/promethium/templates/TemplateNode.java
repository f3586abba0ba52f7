package io.promethium.templates;

import java.util.List;

/** The parse tree of a template: Go text/template's node kinds that the subset supports. */
sealed interface TemplateNode {

    /** Literal text, copied to the output. */
    record Text(String text) implements TemplateNode {
    }

    /**
     * {@code {{ pipeline }}}: prints the pipeline's value unless it declares a variable;
     * {@code line} and {@code column} (1-based) are where Go places the node: right after the
     * left delimiter and its trim marker.
     */
    record Action(Pipeline pipeline, int line, int column) implements TemplateNode {
    }

    /** {@code {{break}}} or {@code {{continue}}} inside a range; position of the keyword. */
    record LoopControl(boolean isBreak, int line, int column) implements TemplateNode {
    }

    /** {@code if}, {@code range} or {@code with} with its body and optional {@code else} branch. */
    record Branch(Kind kind, Pipeline pipeline, List<TemplateNode> body, List<TemplateNode> otherwise)
            implements TemplateNode {
    }

    enum Kind { IF, RANGE, WITH }

    /** Where a template's body starts: its first token (1-based), as Go places a list node. */
    record Position(int line, int column) {
    }

    /**
     * {@code {{template "name" pipeline}}}: runs a defined template with the pipeline's value as
     * dot; {@code line} and {@code column} are those of the name, where Go places the node.
     */
    record Include(String name, Pipeline pipeline, int line, int column) implements TemplateNode {
    }

    /**
     * Commands joined by {@code |}, optionally declaring ({@code :=}) or assigning ({@code =})
     * variables.
     */
    record Pipeline(List<String> variables, boolean declare, List<Command> commands, int line, int column)
            implements TemplateNode {
    }

    /**
     * A function call or a single operand; {@code source} is the text for error messages. Each
     * operand's own position and text are kept too, as Go places an error about an argument
     * (its evalArg and validateType) at that argument's node.
     */
    record Command(List<Operand> operands, String source, List<Position> positions, List<String> sources) {

        /** A command built at run time (a function called as an operand), placed where its pipeline is. */
        Command(List<Operand> operands, String source) {
            this(operands, source, List.of(), List.of());
        }

        /** Where operand {@code i} starts, or {@code null} when not known. */
        Position position(int i) {
            return i < positions.size() ? positions.get(i) : null;
        }

        /** Operand {@code i}'s text as Go prints its node. */
        String source(int i) {
            return i < sources.size() ? sources.get(i) : source;
        }
    }

    /** Something that yields a value. */
    sealed interface Operand {
    }

    /** {@code .} followed by fields ({@code .Labels.job}); an empty field list is dot itself. */
    record DotField(List<String> fields) implements Operand {
    }

    /** {@code $name} followed by fields; {@code $} alone is the template's data. */
    record Variable(String name, List<String> fields) implements Operand {
    }

    /** A function name. */
    record Function(String name) implements Operand {
    }

    /** A string, number, boolean or nil constant. */
    record Constant(Object value) implements Operand {
    }

    /** {@code (pipeline)} followed by fields. */
    record Nested(Pipeline pipeline, List<String> fields) implements Operand {
    }
}

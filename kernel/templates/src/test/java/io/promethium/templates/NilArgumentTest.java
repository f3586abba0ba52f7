package io.promethium.templates;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A nil or missing argument given to a function, as Go's text/template evaluates it (exec.go's
 * evalCall, evalArg and validateType; funcs.go's {@code length} and {@code index}): a parameter
 * that cannot be nil refuses no value ("invalid value; expected string"), a nil interface ("wrong
 * type for value; expected string; got interface {}"), {@code nil} ("cannot assign nil to
 * string") and a constant of another kind ("expected string; found 1"), each placed at the
 * argument; a slice, pointer or interface parameter takes the nil. The function signatures are
 * Go's built-ins and Alertmanager's and Prometheus's template functions. The len and index cases
 * follow Go's execTests ("len of int", "len of nothing", "nil[1]", "slice[nil]", "slice[HUGE]") and
 * its index error cases ("value is nil; should be of type", "has type int; should be string").
 */
class NilArgumentTest {

    private static String error(String text, Object data) {
        return error(text, data, Dialect.ALERTMANAGER);
    }

    private static String error(String text, Object data, Dialect dialect) {
        try {
            return "no error: " + Template.parse("t", text, dialect, null).execute(data, QueryFunction.NONE, "");
        } catch (TemplateException e) {
            return e.getMessage();
        }
    }

    private static Map<String, Object> nilX() {
        Map<String, Object> data = new HashMap<>();
        data.put("X", null);
        return data;
    }

    @Test
    void noValueForAStringParameterIsAnInvalidValueAtTheArgument() {
        assertThat(error("{{toUpper .X}}", null)).isEqualTo("template: t:1:10: executing \"t\" at <.X>: invalid value; expected string");
        assertThat(error("{{trimSpace $.X}}", null)).isEqualTo("template: t:1:12: executing \"t\" at <$.X>: invalid value; expected string");
        assertThat(error("{{toUpper .}}", null)).isEqualTo("template: t:1:10: executing \"t\" at <.>: invalid value; expected string");
        assertThat(error("{{reReplaceAll \"a\" \"b\" .X}}", null))
                .isEqualTo("template: t:1:23: executing \"t\" at <.X>: invalid value; expected string");
        assertThat(error("{{printf .X 1}}", null)).isEqualTo("template: t:1:9: executing \"t\" at <.X>: invalid value; expected string");
        assertThat(error("{{date \"2006\" .X}}", null)).isEqualTo("template: t:1:14: executing \"t\" at <.X>: invalid value; expected time.Time");
        assertThat(error("{{$v := .X}}{{toUpper $v}}", null)).as("a variable set to no value")
                .isEqualTo("template: t:1:22: executing \"t\" at <$v>: invalid value; expected string");
    }

    @Test
    void aPipedNilIsNoValueAndPlacedAtTheLastArgumentOrTheFunction() {
        assertThat(error("{{.X | toUpper}}", null)).isEqualTo("template: t:1:7: executing \"t\" at <toUpper>: invalid value; expected string");
        assertThat(error("{{.X | reReplaceAll \"a\" \"b\"}}", null))
                .isEqualTo("template: t:1:24: executing \"t\" at <\"b\">: invalid value; expected string");
        assertThat(error("{{.X | toUpper}}", nilX())).as("Go unwraps a command's nil interface to no value")
                .isEqualTo("template: t:1:7: executing \"t\" at <toUpper>: invalid value; expected string");
    }

    @Test
    void aNilInterfaceIsTheWrongType() {
        assertThat(error("{{toUpper .X}}", nilX()))
                .isEqualTo("template: t:1:10: executing \"t\" at <.X>: wrong type for value; expected string; got interface {}");
        List<Object> nilElement = Arrays.asList((Object) null);
        assertThat(error("{{range .}}{{toUpper .}}{{end}}", nilElement))
                .isEqualTo("template: t:1:21: executing \"t\" at <.>: wrong type for value; expected string; got interface {}");
        assertThat(error("{{range $v := .}}{{join \",\" $v}}{{end}}", nilElement))
                .isEqualTo("template: t:1:28: executing \"t\" at <$v>: wrong type for value; expected []string; got interface {}");
    }

    @Test
    void aValueOfAnotherTypeIsTheWrongTypeNamedAsGoNamesIt() {
        assertThat(error("{{toUpper .}}", GoTime.utc(java.time.Instant.EPOCH)))
                .isEqualTo("template: t:1:10: executing \"t\" at <.>: wrong type for value; expected string; got time.Time");
        assertThat(error("{{toUpper .}}", 1L)).isEqualTo("template: t:1:10: executing \"t\" at <.>: wrong type for value; expected string; got int");
        assertThat(error("{{date \"2006\" .}}", "x"))
                .isEqualTo("template: t:1:14: executing \"t\" at <.>: wrong type for value; expected time.Time; got string");
        assertThat(error("{{\"a\" | safeHtml | toUpper}}", null)).as("template.HTML is no string")
                .isEqualTo("template: t:1:19: executing \"t\" at <toUpper>: wrong type for value; expected string; got template.HTML");
    }

    @Test
    void constantsOfAnotherKindAreRefusedAsGosEvalArgRefusesThem() {
        assertThat(error("{{toUpper nil}}", null)).isEqualTo("template: t:1:10: executing \"t\" at <nil>: cannot assign nil to string");
        assertThat(error("{{toUpper 1}}", null)).isEqualTo("template: t:1:10: executing \"t\" at <1>: expected string; found 1");
        assertThat(error("{{toUpper true}}", null)).isEqualTo("template: t:1:10: executing \"t\" at <true>: expected string; found true");
        assertThat(error("{{date \"x\" 1}}", null)).isEqualTo("template: t:1:11: executing \"t\" at <1>: can't handle 1 for arg of type time.Time");
        assertThat(error("{{join \",\" \"a\"}}", null))
                .isEqualTo("template: t:1:11: executing \"t\" at <\"a\">: can't handle \"a\" for arg of type []string");
        assertThat(error("{{toUpper 1 2}}", null)).as("the number of arguments is checked first, at the function")
                .isEqualTo("template: t:1:2: executing \"t\" at <toUpper>: wrong number of args for toUpper: want 1 got 2");
        assertThat(error("{{index}}", null)).isEqualTo("template: t:1:2: executing \"t\" at <index>: wrong number of args for index: want at least 1 got 0");
        assertThat(error("{{eq 1}}", null)).as("Go's exec_test \"eq too few\"")
                .isEqualTo("template: t:1:2: executing \"t\" at <eq 1>: error calling eq: missing argument for comparison");
    }

    @Test
    void parametersThatTakeANilTakeIt() {
        assertThat(error("{{join \",\" .X}}|{{join \",\" nil}}|{{print .X nil}}", null)).isEqualTo("no error: ||<nil> <nil>");
        assertThat(error("{{append .X 1}}|{{toJson .X}}", null)).isEqualTo("no error: [1]|null");
        assertThat(error("{{first .X}}", null, Dialect.PROMETHEUS)).as("a nil queryResult is empty")
                .isEqualTo("template: t:1:2: executing \"t\" at <first .X>: error calling first: first() called on vector with no elements");
        assertThat(error("{{value .X}}", null, Dialect.PROMETHEUS)).as("a nil *sample dereferenced")
                .isEqualTo("template: t:1:2: executing \"t\" at <value .X>: error calling value: runtime error: invalid memory address or nil "
                        + "pointer dereference");
    }

    @Test
    void lenOfNilIsGosLenError() {
        assertThat(error("{{len .X}}", null)).as("no value: reflect's panic, recovered")
                .isEqualTo("template: t:1:2: executing \"t\" at <len .X>: error calling len: reflect: call of reflect.Value.Type on zero Value");
        assertThat(error("{{len nil}}", null))
                .isEqualTo("template: t:1:2: executing \"t\" at <len nil>: error calling len: reflect: call of reflect.Value.Type on zero Value");
        assertThat(error("{{len .X}}", nilX())).as("a nil interface").isEqualTo("template: t:1:2: executing \"t\" at <len .X>: error calling len: len of nil pointer");
        assertThat(error("{{len 3}}", null)).isEqualTo("template: t:1:2: executing \"t\" at <len 3>: error calling len: len of type int");
        assertThat(error("{{len \"h\u00e9\"}} {{len .}}", List.of(1L, 2L))).isEqualTo("no error: 3 2");
    }

    @Test
    void indexOfNilIsGosIndexError() {
        assertThat(error("{{index .X 1}}", null)).isEqualTo("template: t:1:2: executing \"t\" at <index .X 1>: error calling index: index of untyped nil");
        assertThat(error("{{index nil 1}}", null)).isEqualTo("template: t:1:2: executing \"t\" at <index nil 1>: error calling index: index of untyped nil");
        assertThat(error("{{index .X 1}}", nilX())).isEqualTo("template: t:1:2: executing \"t\" at <index .X 1>: error calling index: index of untyped nil");
        Map<String, Object> inner = new HashMap<>();
        inner.put("a", null);
        Map<String, Object> data = Map.of("M", inner, "L", List.of(1L, 2L, 3L));
        assertThat(error("{{index .M \"a\" \"b\"}}", data)).isEqualTo(
                "template: t:1:2: executing \"t\" at <index .M \"a\" \"b\">: error calling index: index of nil pointer");
        assertThat(error("{{index .L nil}}", data)).endsWith("error calling index: cannot index slice/array with nil");
        assertThat(error("{{index .L \"x\"}}", data)).endsWith("error calling index: cannot index slice/array with type string");
        assertThat(error("{{index .L 10}}", data)).endsWith("error calling index: index out of range: 10");
        assertThat(error("{{index .L -1}}", data)).endsWith("error calling index: index out of range: -1");
        assertThat(error("{{index .L 3}}", data)).as("reflect's own check of the length").endsWith("error calling index: reflect: slice index out of range");
        assertThat(error("{{index .M nil}}", data)).endsWith("error calling index: value is nil; should be of type string");
        assertThat(error("{{index .M 1}}", data)).endsWith("error calling index: value has type int; should be string");
        assertThat(error("{{index .L 1}} {{index \"abc\" 1}} {{index .M \"a\"}} {{index .M \"zz\"}}", data)).isEqualTo("no error: 2 98 <no value> <no value>");
        assertThat(error("{{index 1 1}}", data)).endsWith("error calling index: can't index item of type int");
    }
}

package io.promethium.templates;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Number and character constants as Go's text/template lexes, parses and prints them
 * (parse/lex.go's scanNumber, parse/node.go's newNumber, exec.go's idealConstant). The tables
 * are Go's own, kept as data: {@code numberTests} of {@code src/text/template/parse/parse_test.go}
 * and the number cases of {@code execTests} in {@code src/text/template/exec_test.go} (Copyright
 * 2011 The Go Authors, used under Go's BSD-style licence, https://go.dev/LICENSE).
 */
class NumberSyntaxTest {

    /** A row of Go's numberTests; a row with none of the four flags must fail to parse. */
    private record NumberCase(String text, boolean isInt, boolean isUint, boolean isFloat, boolean isComplex, long int64,
                              String uint64, double float64, double re, double im) {
        static NumberCase broken(String text) {
            return new NumberCase(text, false, false, false, false, 0, "0", 0, 0, 0);
        }
    }

    private static NumberCase n(String text, boolean isInt, boolean isUint, boolean isFloat, boolean isComplex, long int64,
                                String uint64, double float64, double re, double im) {
        return new NumberCase(text, isInt, isUint, isFloat, isComplex, int64, uint64, float64, re, im);
    }

    private static final NumberCase[] GO_NUMBER_TESTS = {
        // basics
        n("0", true, true, true, false, 0, "0", 0, 0, 0),
        n("-0", true, true, true, false, 0, "0", 0, 0, 0),
        n("73", true, true, true, false, 73, "73", 73, 0, 0),
        n("7_3", true, true, true, false, 73, "73", 73, 0, 0),
        n("0b10_010_01", true, true, true, false, 73, "73", 73, 0, 0),
        n("0B10_010_01", true, true, true, false, 73, "73", 73, 0, 0),
        n("073", true, true, true, false, 073, "59", 073, 0, 0),
        n("0o73", true, true, true, false, 073, "59", 073, 0, 0),
        n("0O73", true, true, true, false, 073, "59", 073, 0, 0),
        n("0x73", true, true, true, false, 0x73, "115", 0x73, 0, 0),
        n("0X73", true, true, true, false, 0x73, "115", 0x73, 0, 0),
        n("0x7_3", true, true, true, false, 0x73, "115", 0x73, 0, 0),
        n("-73", true, false, true, false, -73, "0", -73, 0, 0),
        n("+73", true, false, true, false, 73, "0", 73, 0, 0),
        n("100", true, true, true, false, 100, "100", 100, 0, 0),
        n("1e9", true, true, true, false, 1_000_000_000L, "1000000000", 1e9, 0, 0),
        n("-1e9", true, false, true, false, -1_000_000_000L, "0", -1e9, 0, 0),
        n("-1.2", false, false, true, false, 0, "0", -1.2, 0, 0),
        n("1e19", false, true, true, false, 0, "10000000000000000000", 1e19, 0, 0),
        n("1e1_9", false, true, true, false, 0, "10000000000000000000", 1e19, 0, 0),
        n("1E19", false, true, true, false, 0, "10000000000000000000", 1e19, 0, 0),
        n("-1e19", false, false, true, false, 0, "0", -1e19, 0, 0),
        n("0x_1p4", true, true, true, false, 16, "16", 16, 0, 0),
        n("0X_1P4", true, true, true, false, 16, "16", 16, 0, 0),
        n("0x_1p-4", false, false, true, false, 0, "0", 1 / 16., 0, 0),
        n("4i", false, false, false, true, 0, "0", 0, 0, 4),
        n("-1.2+4.2i", false, false, false, true, 0, "0", 0, -1.2, 4.2),
        n("073i", false, false, false, true, 0, "0", 0, 0, 73),
        // complex with 0 imaginary are float (and maybe integer)
        n("0i", true, true, true, true, 0, "0", 0, 0, 0),
        n("-1.2+0i", false, false, true, true, 0, "0", -1.2, -1.2, 0),
        n("-12+0i", true, false, true, true, -12, "0", -12, -12, 0),
        n("13+0i", true, true, true, true, 13, "13", 13, 13, 0),
        // funny bases
        n("0123", true, true, true, false, 0123, "83", 0123, 0, 0),
        n("-0x0", true, true, true, false, 0, "0", 0, 0, 0),
        n("0xdeadbeef", true, true, true, false, 0xdeadbeefL, "3735928559", 0xdeadbeefL, 0, 0),
        // character constants
        n("'a'", true, true, true, false, 'a', "97", 'a', 0, 0),
        n("'\\n'", true, true, true, false, '\n', "10", '\n', 0, 0),
        n("'\\\\'", true, true, true, false, '\\', "92", '\\', 0, 0),
        n("'\\''", true, true, true, false, '\'', "39", '\'', 0, 0),
        n("'\\xFF'", true, true, true, false, 0xFF, "255", 0xFF, 0, 0),
        n("'\u30d1'", true, true, true, false, 0x30d1, "12497", 0x30d1, 0, 0),
        n("'\\u30d1'", true, true, true, false, 0x30d1, "12497", 0x30d1, 0, 0),
        n("'\\U000030d1'", true, true, true, false, 0x30d1, "12497", 0x30d1, 0, 0),
        // some broken syntax
        NumberCase.broken("+-2"),
        NumberCase.broken("0x123."),
        NumberCase.broken("1e."),
        NumberCase.broken("0xi."),
        NumberCase.broken("1+2."),
        NumberCase.broken("'x"),
        NumberCase.broken("'xx'"),
        NumberCase.broken("'433937734937734969526500969526500'"),
        // Issue 8622 - 0xe parsed as floating point.
        n("0xef", true, true, true, false, 0xef, "239", 0xef, 0, 0),
    };

    /** Go's test calls it complex when fmt.Sscan reads a complex128: a second signed part ending in i. */
    private static boolean sscanComplex(String text) {
        return text.matches("[+-]?[0-9.]+[eE]?[+-][0-9.]+i");
    }

    @Test
    void everyRowOfGosNumberTestsParsesAsInGo() {
        List<String> failures = new ArrayList<>();
        for (NumberCase c : GO_NUMBER_TESTS) {
            boolean ok = c.isInt() || c.isUint() || c.isFloat() || c.isComplex();
            GoNumber.Node node;
            try {
                node = GoNumber.node(c.text(), sscanComplex(c.text()), c.text().startsWith("'"));
            } catch (GoNumber.SyntaxError e) {
                if (ok) {
                    failures.add(c.text() + ": unexpected error " + e.getMessage());
                }
                continue;
            }
            if (!ok) {
                failures.add(c.text() + ": expected an error, got " + node);
                continue;
            }
            if (node.isInt() != c.isInt() || c.isInt() && node.int64() != c.int64()) {
                failures.add(c.text() + ": int " + node.isInt() + " " + node.int64());
            }
            if (node.isUint() != c.isUint() || c.isUint() && !node.uint64().equals(new BigInteger(c.uint64()))) {
                failures.add(c.text() + ": uint " + node.isUint() + " " + node.uint64());
            }
            if (node.isFloat() != c.isFloat() || c.isFloat() && node.float64() != c.float64()) {
                failures.add(c.text() + ": float " + node.isFloat() + " " + node.float64());
            }
            if (node.isComplex() != c.isComplex() || c.isComplex() && (node.re() != c.re() || node.im() != c.im())) {
                failures.add(c.text() + ": complex " + node.isComplex() + " " + node.re() + "+" + node.im() + "i");
            }
        }
        assertThat(failures).isEmpty();
    }

    private static String run(String text) throws TemplateException {
        return Template.parse("t", text, Dialect.ALERTMANAGER, null).execute(null, QueryFunction.NONE, "");
    }

    private static String error(String text) {
        try {
            run(text);
            return "";
        } catch (TemplateException e) {
            return e.getMessage();
        }
    }

    /** Go's execTests for number literals: name, input, output. */
    private static final String[][] GO_EXEC_NUMBER_TESTS = {
        {"decimal", "{{print 1234}}", "1234"},
        {"decimal _", "{{print 12_34}}", "1234"},
        {"binary", "{{print 0b101}}", "5"},
        {"binary _", "{{print 0b_1_0_1}}", "5"},
        {"BINARY", "{{print 0B101}}", "5"},
        {"octal0", "{{print 0377}}", "255"},
        {"octal", "{{print 0o377}}", "255"},
        {"octal _", "{{print 0o_3_7_7}}", "255"},
        {"OCTAL", "{{print 0O377}}", "255"},
        {"hex", "{{print 0x123}}", "291"},
        {"hex _", "{{print 0x1_23}}", "291"},
        {"HEX", "{{print 0X123ABC}}", "1194684"},
        {"float", "{{print 123.4}}", "123.4"},
        {"float _", "{{print 0_0_1_2_3.4}}", "123.4"},
        {"hex float", "{{print +0x1.ep+2}}", "7.5"},
        {"hex float _", "{{print +0x_1.e_0p+0_2}}", "7.5"},
        {"HEX float", "{{print +0X1.EP+2}}", "7.5"},
        {"print multi", "{{print 1_2_3_4 7.5_00_00_00}}", "1234 7.5"},
        {"print multi2", "{{print 1234 0x0_1.e_0p+02}}", "1234 7.5"},
    };

    /** Go's execTests on constants given to built-ins: name, input, output or null for an error. */
    private static final String[][] GO_EXEC_CONSTANT_TESTS = {
        {"with 1.5i", "{{with 1.5i}}{{.}}{{else}}ZERO{{end}}", "(0+1.5i)"},
        {"bug12xe", "{{printf `%T` 0xef}}", "int"},
        {"bug12xE", "{{printf `%T` 0xEE}}", "int"},
        {"bug12Xe", "{{printf `%T` 0Xef}}", "int"},
        {"bug12XE", "{{printf `%T` 0XEE}}", "int"},
        {"bug16a", "{{true|printf}}", null},
        {"bug16b", "{{1|printf}}", null},
        {"bug16c", "{{1.1|printf}}", null},
        {"bug16d", "{{'x'|printf}}", null},
        {"bug16e", "{{0i|printf}}", null},
        {"bug16j", "{{1+2i|printf \"%v\"}}", "(1+2i)"},
        {"bug16k", "{{\"aaa\"|printf }}", "aaa"},
    };

    @Test
    void gosExecTestsForConstantsGivenToBuiltinsAgree() {
        List<String> failures = new ArrayList<>();
        for (String[] c : GO_EXEC_CONSTANT_TESTS) {
            String got;
            try {
                got = run(c[1]);
            } catch (TemplateException e) {
                got = null;
            }
            if (c[2] == null ? got != null : !c[2].equals(got)) {
                failures.add(c[0] + ": got " + (got == null ? "an error" : got) + ", want " + (c[2] == null ? "an error" : c[2]));
            }
        }
        assertThat(failures).isEmpty();
        assertThat(error("{{1|printf}}")).isEqualTo("template: t:1:4: executing \"t\" at <printf>: wrong type for value; expected string; got int");
    }

    @Test
    void gosExecTestsForNumberLiteralsPrintAsInGo() throws Exception {
        List<String> failures = new ArrayList<>();
        for (String[] c : GO_EXEC_NUMBER_TESTS) {
            String got;
            try {
                got = run(c[1]);
            } catch (TemplateException e) {
                got = "error " + e.getMessage();
            }
            if (!got.equals(c[2])) {
                failures.add(c[0] + ": got " + got + ", want " + c[2]);
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void aConstantIsTheValueGosIdealConstantMakesOfIt() throws Exception {
        assertThat(run("{{1e9}} {{1e19}} {{0xef}} {{-0xef}} {{0x_1p4}} {{-0x0}} {{'a'}} {{'\\n'}} {{'\u30d1'}}"))
                .as("a float only when written as one; a hex integer's e is a digit").isEqualTo("1e+09 1e+19 239 -239 16 0 97 10 12497");
        assertThat(run("{{4i}} {{-1.2+4.2i}} {{0i}} {{13+0i}}")).as("complex constants print as fmt's %v").isEqualTo("(0+4i) (-1.2+4.2i) (0+0i) (13+0i)");
        assertThat(error("{{18446744073709551615}}")).as("a constant only a uint64 holds")
                .isEqualTo("template: t:1:2: executing \"t\" at <18446744073709551615>: 18446744073709551615 overflows int");
        assertThat(error("{{toUpper 18446744073709551615}}")).as("a string parameter refuses the constant before it is evaluated")
                .isEqualTo("template: t:1:10: executing \"t\" at <18446744073709551615>: expected string; found 18446744073709551615");
        assertThat(error("{{print 1 18446744073709551615}}"))
                .isEqualTo("template: t:1:10: executing \"t\" at <18446744073709551615>: 18446744073709551615 overflows int");
    }

    @Test
    void theLexerRefusesANumberFollowedByALetterOrDigitAsGosBadNumberSyntax() {
        assertThat(error("{{1x}}")).isEqualTo("template: t:1: bad number syntax: \"1x\"");
        assertThat(error("a\n{{.X 12ab}}")).isEqualTo("template: t:2: bad number syntax: \"12a\"");
        assertThat(error("{{0b102}}")).as("a binary digit run stops at 2").isEqualTo("template: t:1: bad number syntax: \"0b102\"");
        assertThat(error("{{0o78}}")).isEqualTo("template: t:1: bad number syntax: \"0o78\"");
        assertThat(error("{{0x1g}}")).isEqualTo("template: t:1: bad number syntax: \"0x1g\"");
        assertThat(error("{{1e5e}}")).isEqualTo("template: t:1: bad number syntax: \"1e5e\"");
        assertThat(error("{{1+2.}}")).as("a complex constant must end in i").isEqualTo("template: t:1: bad number syntax: \"1+2.\"");
        assertThat(error("{{+-2}}")).isEqualTo("template: t:1: bad number syntax: \"+-2\"");
        assertThat(error("{{1.2.3x}}")).as("1.2 is a number, .3x starts another").isEqualTo("template: t:1: bad number syntax: \".3x\"");
    }

    @Test
    void theParserRefusesWhatStrconvCannotReadWithGosMessages() {
        assertThat(error("{{0x}}")).isEqualTo("template: t:1: illegal number syntax: \"0x\"");
        assertThat(error("{{1e}}")).isEqualTo("template: t:1: illegal number syntax: \"1e\"");
        assertThat(error("{{1.E}}")).isEqualTo("template: t:1: illegal number syntax: \"1.E\"");
        assertThat(error("{{0xi}}")).isEqualTo("template: t:1: illegal number syntax: \"0xi\"");
        assertThat(error("{{1_}}")).as("an underscore must sit between digits").isEqualTo("template: t:1: illegal number syntax: \"1_\"");
        assertThat(error("{{1__2}}")).isEqualTo("template: t:1: illegal number syntax: \"1__2\"");
        assertThat(error("{{-}}")).isEqualTo("template: t:1: illegal number syntax: \"-\"");
        assertThat(error("{{1e400}}")).as("a float beyond float64").isEqualTo("template: t:1: illegal number syntax: \"1e400\"");
        assertThat(error("{{99999999999999999999}}")).isEqualTo("template: t:1: integer overflow: \"99999999999999999999\"");
        assertThat(error("{{08}}")).as("an octal 8 reads as a float, written as an integer")
                .isEqualTo("template: t:1: integer overflow: \"08\"");
        assertThat(error("{{0x1+2i}}")).isEqualTo("template: t:1: strconv.ParseFloat: parsing \"0x1\": invalid syntax");
    }

    @Test
    void characterConstantsAreReadAsGosUnquoteCharReadsThem() {
        assertThat(error("{{'x}}")).isEqualTo("template: t:1: unterminated character constant");
        assertThat(error("{{'xx'}}")).isEqualTo("template: t:1: malformed character constant: 'xx'");
        assertThat(error("{{''}}")).isEqualTo("template: t:1: invalid syntax");
        assertThat(error("{{'\\q'}}")).isEqualTo("template: t:1: invalid syntax");
        assertThat(error("{{'\\\"'}}")).as("a double quote is not escaped in a character constant").isEqualTo("template: t:1: invalid syntax");
        assertThat(error("{{'\\400'}}")).isEqualTo("template: t:1: invalid syntax");
        assertThat(error("{{'\\ud800'}}")).isEqualTo("template: t:1: invalid syntax");
    }

    /** Go's parseTests "dot after integer", "dot after float", ... and errorTests "wrongdot". */
    @Test
    void aFieldRightAfterALiteralIsGosUnexpectedDotAfterTerm() throws Exception {
        assertThat(error("{{0.1.E}}")).isEqualTo("template: t:1: unexpected . after term \"0.1\"");
        assertThat(error("{{true.any}}")).isEqualTo("template: t:1: unexpected . after term \"true\"");
        assertThat(error("{{'a'.any}}")).isEqualTo("template: t:1: unexpected . after term \"'a'\"");
        assertThat(error("{{\"hello\".guys}}")).isEqualTo("template: t:1: unexpected . after term \"\\\"hello\\\"\"");
        assertThat(error("{{..E}}")).isEqualTo("template: t:1: unexpected . after term \".\"");
        assertThat(error("{{nil.E}}")).isEqualTo("template: t:1: unexpected . after term \"nil\"");
        assertThat(run("{{print 1 .E}}")).as("a field after a space is an argument of its own").isEqualTo("1 <nil>");
    }
}

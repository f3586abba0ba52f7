package io.promethium.web.tool;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Go's {@code encoding/json} syntax check (scanner.go's state machine, run by
 * {@code json.Unmarshal} before decoding), for the client commands to word a malformed answer
 * as promtool does: {@code invalid character 'x' after object key:value pair}, {@code unexpected
 * end of JSON input}, {@code invalid character '1' after top-level value}, ... It reads the UTF-8
 * bytes as Go does; a body Jackson would also refuse gets Go's message instead of Jackson's.
 */
final class GoJsonScanner {

    private static final int MAX_DEPTH = 10000;
    private static final byte OBJECT_KEY = 0;
    private static final byte OBJECT_VALUE = 1;
    private static final byte ARRAY_VALUE = 2;

    private enum State {
        BEGIN_VALUE, BEGIN_VALUE_OR_EMPTY, BEGIN_STRING_OR_EMPTY, BEGIN_STRING, END_VALUE, END_TOP, IN_STRING, IN_STRING_ESC,
        ESC_U, ESC_U1, ESC_U12, ESC_U123, NEG, ONE, ZERO, DOT, DOT0, E, E_SIGN, E0,
        T, TR, TRU, F, FA, FAL, FALS, N, NU, NUL
    }

    private byte[] stack = new byte[16];
    private int depth;
    private State state = State.BEGIN_VALUE;
    private boolean endTop;
    private String error;

    private GoJsonScanner() {
    }

    /** Go's syntax error for {@code text}, or null when it is valid JSON. */
    static String syntaxError(String text) {
        GoJsonScanner s = new GoJsonScanner();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            s.step(b & 0xff);
            if (s.error != null) {
                return s.error;
            }
        }
        // scanner.eof: a number or literal may end at the end of input.
        if (s.endTop) {
            return null;
        }
        s.step(' ');
        if (s.endTop) {
            return null;
        }
        return s.error != null ? s.error : "unexpected end of JSON input";
    }

    private static boolean isSpace(int c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private void fail(int c, String context) {
        error = "invalid character " + quoteChar(c) + " " + context;
    }

    /** encoding/json's quoteChar: the byte as a rune, quoted as strconv.Quote does, in single quotes. */
    static String quoteChar(int b) {
        if (b == '\'') {
            return "'\\''";
        }
        if (b == '"') {
            return "'\"'";
        }
        String quoted = io.promethium.goformat.GoStrings.quote(String.valueOf((char) b));
        return "'" + quoted.substring(1, quoted.length() - 1) + "'";
    }

    private void push(byte kind, State next) {
        if (depth == stack.length) {
            stack = Arrays.copyOf(stack, depth * 2);
        }
        stack[depth++] = kind;
        state = next;
        if (depth > MAX_DEPTH) {
            error = "exceeded max depth";
        }
    }

    private void pop() {
        depth--;
        if (depth == 0) {
            state = State.END_TOP;
            endTop = true;
        } else {
            state = State.END_VALUE;
        }
    }

    private void step(int c) {
        switch (state) {
            case BEGIN_VALUE_OR_EMPTY -> {
                if (isSpace(c)) {
                    return;
                }
                if (c == ']') {
                    endValue(c);
                    return;
                }
                beginValue(c);
            }
            case BEGIN_VALUE -> beginValue(c);
            case BEGIN_STRING_OR_EMPTY -> {
                if (isSpace(c)) {
                    return;
                }
                if (c == '}') {
                    stack[depth - 1] = OBJECT_VALUE;
                    endValue(c);
                    return;
                }
                beginString(c);
            }
            case BEGIN_STRING -> beginString(c);
            case END_VALUE -> endValue(c);
            case END_TOP -> {
                if (!isSpace(c)) {
                    fail(c, "after top-level value");
                }
            }
            case IN_STRING -> {
                if (c == '"') {
                    state = State.END_VALUE;
                } else if (c == '\\') {
                    state = State.IN_STRING_ESC;
                } else if (c < 0x20) {
                    fail(c, "in string literal");
                }
            }
            case IN_STRING_ESC -> {
                if ("bfnrt\\/\"".indexOf(c) >= 0) {
                    state = State.IN_STRING;
                } else if (c == 'u') {
                    state = State.ESC_U;
                } else {
                    fail(c, "in string escape code");
                }
            }
            case ESC_U, ESC_U1, ESC_U12, ESC_U123 -> {
                if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                    fail(c, "in \\u hexadecimal character escape");
                    return;
                }
                state = switch (state) {
                    case ESC_U -> State.ESC_U1;
                    case ESC_U1 -> State.ESC_U12;
                    case ESC_U12 -> State.ESC_U123;
                    default -> State.IN_STRING;
                };
            }
            case NEG -> {
                if (c == '0') {
                    state = State.ZERO;
                } else if (c >= '1' && c <= '9') {
                    state = State.ONE;
                } else {
                    fail(c, "in numeric literal");
                }
            }
            case ONE -> {
                if (c >= '0' && c <= '9') {
                    return;
                }
                zero(c);
            }
            case ZERO -> zero(c);
            case DOT -> {
                if (c >= '0' && c <= '9') {
                    state = State.DOT0;
                } else {
                    fail(c, "after decimal point in numeric literal");
                }
            }
            case DOT0 -> {
                if (c >= '0' && c <= '9') {
                    return;
                }
                if (c == 'e' || c == 'E') {
                    state = State.E;
                    return;
                }
                endValue(c);
            }
            case E -> {
                if (c == '+' || c == '-') {
                    state = State.E_SIGN;
                    return;
                }
                eSign(c);
            }
            case E_SIGN -> eSign(c);
            case E0 -> {
                if (c >= '0' && c <= '9') {
                    return;
                }
                endValue(c);
            }
            case T -> literal(c, 'r', State.TR, "true");
            case TR -> literal(c, 'u', State.TRU, "true");
            case TRU -> literal(c, 'e', State.END_VALUE, "true");
            case F -> literal(c, 'a', State.FA, "false");
            case FA -> literal(c, 'l', State.FAL, "false");
            case FAL -> literal(c, 's', State.FALS, "false");
            case FALS -> literal(c, 'e', State.END_VALUE, "false");
            case N -> literal(c, 'u', State.NU, "null");
            case NU -> literal(c, 'l', State.NUL, "null");
            case NUL -> literal(c, 'l', State.END_VALUE, "null");
            default -> throw new IllegalStateException(state.name());
        }
    }

    private void literal(int c, char expected, State next, String word) {
        if (c == expected) {
            state = next;
        } else {
            fail(c, "in literal " + word + " (expecting '" + expected + "')");
        }
    }

    private void beginValue(int c) {
        if (isSpace(c)) {
            return;
        }
        switch (c) {
            case '{' -> push(OBJECT_KEY, State.BEGIN_STRING_OR_EMPTY);
            case '[' -> push(ARRAY_VALUE, State.BEGIN_VALUE_OR_EMPTY);
            case '"' -> state = State.IN_STRING;
            case '-' -> state = State.NEG;
            case '0' -> state = State.ZERO;
            case 't' -> state = State.T;
            case 'f' -> state = State.F;
            case 'n' -> state = State.N;
            default -> {
                if (c >= '1' && c <= '9') {
                    state = State.ONE;
                } else {
                    fail(c, "looking for beginning of value");
                }
            }
        }
    }

    private void beginString(int c) {
        if (isSpace(c)) {
            return;
        }
        if (c == '"') {
            state = State.IN_STRING;
        } else {
            fail(c, "looking for beginning of object key string");
        }
    }

    private void zero(int c) {
        if (c == '.') {
            state = State.DOT;
        } else if (c == 'e' || c == 'E') {
            state = State.E;
        } else {
            endValue(c);
        }
    }

    private void eSign(int c) {
        if (c >= '0' && c <= '9') {
            state = State.E0;
        } else {
            fail(c, "in exponent of numeric literal");
        }
    }

    private void endValue(int c) {
        if (depth == 0) {
            state = State.END_TOP;
            endTop = true;
            step(c);
            return;
        }
        if (isSpace(c)) {
            state = State.END_VALUE;
            return;
        }
        switch (stack[depth - 1]) {
            case OBJECT_KEY -> {
                if (c == ':') {
                    stack[depth - 1] = OBJECT_VALUE;
                    state = State.BEGIN_VALUE;
                } else {
                    fail(c, "after object key");
                }
            }
            case OBJECT_VALUE -> {
                if (c == ',') {
                    stack[depth - 1] = OBJECT_KEY;
                    state = State.BEGIN_STRING;
                } else if (c == '}') {
                    pop();
                } else {
                    fail(c, "after object key:value pair");
                }
            }
            default -> {
                if (c == ',') {
                    state = State.BEGIN_VALUE;
                } else if (c == ']') {
                    pop();
                } else {
                    fail(c, "after array element");
                }
            }
        }
    }
}

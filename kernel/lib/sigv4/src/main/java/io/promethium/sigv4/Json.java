package io.promethium.sigv4;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The top-level members of a JSON object whose values that matter are scalars: the answers of
 * the instance metadata service and the container credentials endpoint, and the output of a
 * {@code credential_process}. Strings are unescaped; numbers, {@code true} and {@code false}
 * are kept as their text; {@code null} as null; nested objects and arrays are parsed and left
 * out. Written here because the library tier depends on the api only (no JSON library), and
 * the few shapes read are flat.
 */
final class Json {

    private final String text;
    private int at;

    private Json(String text) {
        this.text = text;
    }

    /** The members of the object {@code text} is. */
    static Map<String, String> object(String text) throws IOException {
        Json json = new Json(text);
        json.space();
        if (json.peek() != '{') {
            throw json.error("not a JSON object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        json.at++;
        json.space();
        if (json.peek() == '}') {
            json.at++;
        } else {
            while (true) {
                json.space();
                String key = json.string();
                json.space();
                json.expect(':');
                json.space();
                char c = json.peek();
                if (c == '{' || c == '[') {
                    json.skip();
                } else {
                    out.put(key, json.scalar());
                }
                json.space();
                char next = json.next();
                if (next == '}') {
                    break;
                }
                if (next != ',') {
                    throw json.error("expected , or }");
                }
            }
        }
        json.space();
        if (json.at != text.length()) {
            throw json.error("text after the object");
        }
        return out;
    }

    private String scalar() throws IOException {
        char c = peek();
        if (c == '"') {
            return string();
        }
        int start = at;
        while (at < text.length() && "+-.0123456789eEtruefalsn".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        String token = text.substring(start, at);
        if (token.equals("null")) {
            return null;
        }
        if (token.equals("true") || token.equals("false") || token.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
            return token;
        }
        throw error("bad value");
    }

    /** Skips a nested object or array. */
    private void skip() throws IOException {
        char open = next();
        char close = open == '{' ? '}' : ']';
        space();
        if (peek() == close) {
            at++;
            return;
        }
        while (true) {
            space();
            if (open == '{') {
                string();
                space();
                expect(':');
                space();
            }
            char c = peek();
            if (c == '{' || c == '[') {
                skip();
            } else {
                scalar();
            }
            space();
            char n = next();
            if (n == close) {
                return;
            }
            if (n != ',') {
                throw error("expected , or " + close);
            }
        }
    }

    private String string() throws IOException {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw error("control character in a string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) {
                        throw error("short \\u escape");
                    }
                    try {
                        out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw error("bad \\u escape");
                    }
                    at += 4;
                }
                default -> throw error("bad escape");
            }
        }
    }

    private void space() {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
    }

    private char peek() throws IOException {
        if (at >= text.length()) {
            throw error("unexpected end");
        }
        return text.charAt(at);
    }

    private char next() throws IOException {
        char c = peek();
        at++;
        return c;
    }

    private void expect(char c) throws IOException {
        if (next() != c) {
            throw error("expected " + c);
        }
    }

    private IOException error(String what) {
        return new IOException("invalid JSON at offset " + at + ": " + what);
    }
}

package io.promethium.discovery.kubernetes.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Kubernetes label and field selector syntax, checked as the API server (and so Prometheus,
 * which parses them before use) checks it: a selector the server would refuse is a config error
 * here, with the reason, instead of a watch that fails forever.
 */
final class Selectors {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    /** One term of a field selector: {@code key=value} or {@code key!=value}. */
    record FieldTerm(String key, boolean equal, String value) {
    }

    private Selectors() {
    }

    /** Checks a label selector; returns {@code null} when valid, else the reason. */
    static String labelSelectorError(String selector) {
        if (selector.isBlank()) {
            return null;
        }
        for (String requirement : splitTopLevel(selector)) {
            String error = requirementError(requirement.strip());
            if (error != null) {
                return error;
            }
        }
        return null;
    }

    /** Splits on commas outside parentheses ({@code a in (x,y),b} is two requirements). */
    private static List<String> splitTopLevel(String selector) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < selector.length(); i++) {
            char c = selector.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(selector.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(selector.substring(start));
        return parts;
    }

    private static String requirementError(String req) {
        if (req.isEmpty()) {
            return "found '', expected: identifier";
        }
        if (req.startsWith("!")) {
            return keyError(req.substring(1).strip());
        }
        java.util.regex.Matcher set = Pattern.compile("^(\\S+)\\s+(in|notin)\\s*\\((.*)\\)$").matcher(req);
        if (set.matches()) {
            String error = keyError(set.group(1));
            if (error != null) {
                return error;
            }
            String values = set.group(3);
            if (values.isBlank()) {
                return "for 'in', 'notin' operators, values set can't be empty";
            }
            for (String value : values.split(",", -1)) {
                error = valueError(value.strip());
                if (error != null) {
                    return error;
                }
            }
            return null;
        }
        for (String op : new String[] {"!=", "==", "=", ">", "<"}) {
            int at = req.indexOf(op);
            if (at >= 0) {
                String key = req.substring(0, at).strip();
                String value = req.substring(at + op.length()).strip();
                String error = keyError(key);
                if (error != null) {
                    return error;
                }
                if (op.equals(">") || op.equals("<")) {
                    try {
                        Long.parseLong(value);
                        return null;
                    } catch (NumberFormatException e) {
                        return "for 'Gt', 'Lt' operators, the value must be an integer: \"" + value + "\"";
                    }
                }
                return valueError(value);
            }
        }
        if (req.contains(" ")) {
            return "found '" + req.substring(req.indexOf(' ')).strip() + "', expected: in, notin, =, ==, !=, gt, lt";
        }
        return keyError(req);
    }

    private static String keyError(String key) {
        if (key.isEmpty()) {
            return "found '', expected: identifier";
        }
        String name = key;
        int slash = key.indexOf('/');
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            name = key.substring(slash + 1);
            if (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
                return "invalid label key \"" + key + "\": prefix part must be a lowercase RFC 1123 subdomain";
            }
        }
        if (name.isEmpty() || name.length() > 63 || !NAME.matcher(name).matches()) {
            return "invalid label key \"" + key + "\": name part must consist of alphanumeric characters, '-', '_' or '.', "
                    + "start and end with an alphanumeric character, at most 63 characters";
        }
        return null;
    }

    private static String valueError(String value) {
        if (value.isEmpty()) {
            return null;
        }
        if (value.length() > 63 || !NAME.matcher(value).matches()) {
            return "invalid label value: \"" + value + "\": must be 63 characters or less, alphanumeric, '-', '_' or '.', "
                    + "starting and ending with an alphanumeric character";
        }
        return null;
    }

    /**
     * Parses a field selector ({@code key=value}, {@code key==value}, {@code key!=value},
     * comma separated, {@code \} escaping {@code ,}, {@code =} and {@code \}).
     *
     * @throws IllegalArgumentException with the reason
     */
    static List<FieldTerm> parseFieldSelector(String selector) {
        List<FieldTerm> terms = new ArrayList<>();
        if (selector.isBlank()) {
            return terms;
        }
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < selector.length(); i++) {
            char c = selector.charAt(i);
            if (c == '\\' && i + 1 < selector.length()) {
                current.append(c).append(selector.charAt(++i));
            } else if (c == ',') {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        for (String part : parts) {
            int ne = unescapedIndex(part, "!=");
            int eq = unescapedIndex(part, "=");
            FieldTerm term;
            if (ne >= 0 && ne <= eq) {
                term = new FieldTerm(part.substring(0, ne), false, unescape(part.substring(ne + 2)));
            } else if (eq >= 0) {
                String rest = part.substring(eq + 1);
                if (rest.startsWith("=")) {
                    rest = rest.substring(1);
                }
                term = new FieldTerm(part.substring(0, eq), true, unescape(rest));
            } else {
                throw new IllegalArgumentException("invalid selector: '" + selector + "'; can't understand '" + part + "'");
            }
            if (term.key().isBlank()) {
                throw new IllegalArgumentException("invalid selector: '" + selector + "'; field name is empty in '" + part + "'");
            }
            terms.add(term);
        }
        return terms;
    }

    private static int unescapedIndex(String s, String what) {
        for (int i = 0; i + what.length() <= s.length(); i++) {
            if (s.charAt(i) == '\\') {
                i++;
                continue;
            }
            if (s.startsWith(what, i)) {
                return i;
            }
        }
        return -1;
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                c = s.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }
}

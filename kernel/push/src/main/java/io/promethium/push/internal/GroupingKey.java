package io.promethium.push.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The labels that name a group of pushed metrics: {@code job} and any further pairs of the push
 * URL, {@code /metrics/job/<job>{/<label>/<value>}}. A label name ending in {@code @base64} (and
 * {@code job@base64}) marks its value as base64url, padding optional, as the Pushgateway reads it;
 * with UTF-8 names, a name starting {@code U__} is unescaped (Prometheus's value encoding).
 */
record GroupingKey(SortedMap<String, String> labels) implements Comparable<GroupingKey> {

    static final String BASE64_SUFFIX = "@base64";

    GroupingKey {
        labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    }

    static GroupingKey of(String... namesAndValues) {
        TreeMap<String, String> map = new TreeMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return new GroupingKey(map);
    }

    /**
     * Parses the part of the path after {@code /metrics/job}: {@code /<job>{/<name>/<value>}}.
     *
     * @param jobBase64 whether the path was {@code /metrics/job@base64/...}
     * @param names which label names are valid, and whether a {@code U__} name is unescaped
     */
    static GroupingKey parse(String rest, boolean jobBase64, NameValidation names) throws PushException {
        if (rest.isEmpty() || rest.equals("/")) {
            throw PushException.badRequest("job name is required");
        }
        String path = rest.substring(1);
        int slash = path.indexOf('/');
        String job = slash < 0 ? path : path.substring(0, slash);
        String labelPath = slash < 0 ? "" : path.substring(slash);
        if (jobBase64) {
            job = decodeBase64(job, "invalid base64 encoding in job name \"" + job + "\"");
        }
        TreeMap<String, String> labels = new TreeMap<>();
        if (labelPath.length() > 1) {
            String[] parts = labelPath.substring(1).split("/", -1);
            if (parts.length % 2 != 0) {
                throw PushException.badRequest("odd number of components in label string \"" + labelPath + "\"");
            }
            for (int i = 0; i < parts.length; i += 2) {
                String name = parts[i];
                String trimmed = name.endsWith(BASE64_SUFFIX) ? name.substring(0, name.length() - BASE64_SUFFIX.length()) : name;
                String unescaped = names.pathLabelName(trimmed);
                if (!names.validLabelName(unescaped) || trimmed.startsWith("__")) {
                    throw PushException.badRequest("improper label name \"" + trimmed + "\"");
                }
                String value = parts[i + 1];
                if (!trimmed.equals(name)) {
                    value = decodeBase64(value, "invalid base64 encoding for label " + trimmed + "=\"" + value + "\"");
                }
                labels.put(unescaped, value);
            }
        }
        if (job.isEmpty()) {
            throw PushException.badRequest("job name is required");
        }
        labels.put("job", job);
        return new GroupingKey(labels);
    }

    private static String decodeBase64(String value, String error) throws PushException {
        int end = value.length();
        while (end > 0 && value.charAt(end - 1) == '=') {
            end--;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(value.substring(0, end)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw PushException.badRequest(error + ": " + e.getMessage());
        }
    }

    /** The key's labels as pairs, sorted by name. */
    List<LabelPair> pairs() {
        return labels.entrySet().stream().map(e -> new LabelPair(e.getKey(), e.getValue())).toList();
    }

    String job() {
        return labels.get("job");
    }

    @Override
    public int compareTo(GroupingKey other) {
        var a = labels.entrySet().iterator();
        var b = other.labels.entrySet().iterator();
        while (a.hasNext() && b.hasNext()) {
            Map.Entry<String, String> x = a.next();
            Map.Entry<String, String> y = b.next();
            int c = x.getKey().compareTo(y.getKey());
            if (c == 0) {
                c = x.getValue().compareTo(y.getValue());
            }
            if (c != 0) {
                return c;
            }
        }
        return Boolean.compare(a.hasNext(), b.hasNext());
    }

    @Override
    public String toString() {
        return labels.toString();
    }
}

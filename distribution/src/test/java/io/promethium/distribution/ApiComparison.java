package io.promethium.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares one HTTP API answer of Prometheus with Promethium's: for successes the {@code data}
 * after sorting (result series by labels, lists by value, object keys by name) with sample values
 * equal within 1e-9 relative (summation order may differ in the last bits); for errors the status
 * code and {@code errorType}.
 */
final class ApiComparison {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiComparison() {
    }

    /** Empty when the answers agree, else what differs. */
    static String compare(HttpResponse<String> prometheus, HttpResponse<String> promethium) {
        if (prometheus.statusCode() != promethium.statusCode()) {
            return "status " + prometheus.statusCode() + " vs " + promethium.statusCode() + ": " + abbreviate(prometheus.body())
                    + " | " + abbreviate(promethium.body());
        }
        if (prometheus.statusCode() == 204) {
            return "";
        }
        JsonNode a;
        JsonNode b;
        try {
            a = JSON.readTree(prometheus.body());
            b = JSON.readTree(promethium.body());
        } catch (Exception e) {
            return prometheus.body().equals(promethium.body()) ? "" : "non-JSON bodies differ: " + abbreviate(prometheus.body())
                    + " | " + abbreviate(promethium.body());
        }
        if (!a.path("status").asText().equals(b.path("status").asText())) {
            return "status field " + a.path("status") + " vs " + b.path("status");
        }
        if (a.path("status").asText().equals("error")) {
            return a.path("errorType").equals(b.path("errorType")) ? ""
                    : "errorType " + a.path("errorType") + " vs " + b.path("errorType") + ": " + a.path("error") + " | " + b.path("error");
        }
        JsonNode da = normalize(a.path("data"));
        JsonNode db = normalize(b.path("data"));
        return equal(da, db) ? "" : "data differs: " + abbreviate(da.toString()) + " | " + abbreviate(db.toString());
    }

    /** Whether the error messages are also the same (a stricter, secondary figure). */
    static boolean sameErrorMessage(HttpResponse<String> prometheus, HttpResponse<String> promethium) {
        try {
            return JSON.readTree(prometheus.body()).path("error").equals(JSON.readTree(promethium.body()).path("error"));
        } catch (Exception e) {
            return false;
        }
    }

    static String abbreviate(String s) {
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }

    /** Query results become {labels -> value(s)} objects; other arrays are sorted by their text. */
    static JsonNode normalize(JsonNode data) {
        if (data.isObject() && data.has("resultType") && data.has("result")) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put("resultType", data.get("resultType").asText());
            JsonNode result = data.get("result");
            if (result.isArray() && (data.get("resultType").asText().equals("vector") || data.get("resultType").asText().equals("matrix"))) {
                Map<String, JsonNode> bySeries = new TreeMap<>();
                for (JsonNode s : result) {
                    JsonNode metric = sortKeys(s.path("metric"));
                    bySeries.put(metric.toString(), s.has("value") ? s.get("value") : s.get("values"));
                }
                ObjectNode series = out.putObject("result");
                bySeries.forEach(series::set);
            } else {
                out.set("result", result);
            }
            return out;
        }
        return sortKeys(data);
    }

    private static JsonNode sortKeys(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(String::compareTo);
            for (String n : names) {
                out.set(n, sortKeys(node.get(n)));
            }
            return out;
        }
        if (node.isArray()) {
            List<JsonNode> items = new ArrayList<>();
            for (JsonNode n : node) {
                items.add(sortKeys(n));
            }
            boolean samplePair = items.size() == 2 && items.get(0).isNumber() && items.get(1).isTextual();
            boolean ofSamples = !items.isEmpty() && items.stream().allMatch(i -> i.isArray() && i.size() == 2 && i.get(0).isNumber());
            if (!samplePair && !ofSamples) {
                items.sort((x, y) -> x.toString().compareTo(y.toString()));
            }
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            items.forEach(out::add);
            return out;
        }
        return node;
    }

    static boolean equal(JsonNode a, JsonNode b) {
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            Iterator<String> names = a.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                if (!b.has(n) || !equal(a.get(n), b.get(n))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!equal(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isNumber() && b.isNumber()) {
            return close(a.asDouble(), b.asDouble());
        }
        if (a.isTextual() && b.isTextual()) {
            if (a.asText().equals(b.asText())) {
                return true;
            }
            Double x = number(a.asText());
            Double y = number(b.asText());
            return x != null && y != null && close(x, y);
        }
        return a.equals(b);
    }

    private static Double number(String s) {
        try {
            return switch (s) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                case "NaN" -> Double.NaN;
                default -> Double.parseDouble(s);
            };
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean close(double x, double y) {
        if (Double.isNaN(x) || Double.isNaN(y)) {
            return Double.isNaN(x) && Double.isNaN(y);
        }
        if (x == y) {
            return true;
        }
        return Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
    }
}

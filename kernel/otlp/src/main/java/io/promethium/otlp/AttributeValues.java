package io.promethium.otlp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.proto.common.v1.AnyValue;
import java.math.BigDecimal;
import java.util.Base64;

/**
 * OTLP attribute values as label values, and floats as Go prints them: pdata's
 * {@code Value.AsString} (JSON for arrays and maps, doubles as JavaScript prints them) and Go's
 * {@code strconv.FormatFloat(f, 'f', -1, 64)} for the {@code le} and {@code quantile} labels.
 */
final class AttributeValues {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AttributeValues() {
    }

    /** pdata's {@code Value.AsString}: attribute values of every type as label values. */
    static String asString(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            case INT_VALUE -> Long.toString(v.getIntValue());
            case DOUBLE_VALUE -> es6Number(v.getDoubleValue());
            case BYTES_VALUE -> Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
            case ARRAY_VALUE, KVLIST_VALUE -> json(v).toString();
            default -> "";
        };
    }

    private static com.fasterxml.jackson.databind.JsonNode json(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> JSON.getNodeFactory().textNode(v.getStringValue());
            case BOOL_VALUE -> JSON.getNodeFactory().booleanNode(v.getBoolValue());
            case INT_VALUE -> JSON.getNodeFactory().numberNode(v.getIntValue());
            case DOUBLE_VALUE -> JSON.getNodeFactory().rawValueNode(new com.fasterxml.jackson.databind.util.RawValue(es6Number(v.getDoubleValue())));
            case BYTES_VALUE -> JSON.getNodeFactory().textNode(Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
            case ARRAY_VALUE -> {
                ArrayNode a = JSON.createArrayNode();
                v.getArrayValue().getValuesList().forEach(x -> a.add(json(x)));
                yield a;
            }
            case KVLIST_VALUE -> {
                ObjectNode o = JSON.createObjectNode();
                v.getKvlistValue().getValuesList().forEach(kv -> o.set(kv.getKey(), json(kv.getValue())));
                yield o;
            }
            default -> JSON.getNodeFactory().nullNode();
        };
    }

    /** Go's {@code strconv.FormatFloat(f, 'f', -1, 64)}: the shortest digits, never an exponent. */
    static String formatFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        if (d == 0) {
            return (1 / d) < 0 ? "-0" : "0";
        }
        return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    }

    /** A double as JavaScript prints it (pdata's rule): plain between 1e-6 and 1e21, else with an exponent. */
    static String es6Number(double f) {
        if (Double.isNaN(f) || Double.isInfinite(f)) {
            return "json: unsupported value: " + (Double.isNaN(f) ? "NaN" : f > 0 ? "+Inf" : "-Inf");
        }
        double abs = Math.abs(f);
        if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) {
            BigDecimal bd = new BigDecimal(Double.toString(f)).stripTrailingZeros();
            String digits = bd.unscaledValue().abs().toString();
            int exp = digits.length() - 1 - bd.scale();
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return (f < 0 ? "-" : "") + mantissa + "e" + (exp < 0 ? "-" : "+") + Math.abs(exp);
        }
        return formatFloat(f);
    }
}

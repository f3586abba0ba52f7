package io.promethium.otlp;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;

/**
 * OTLP/JSON into the generated protobuf messages, walking their descriptors. OTLP's JSON is the
 * protobuf JSON mapping with its own exceptions, which protobuf's {@code JsonFormat} does not
 * know: trace and span ids are hex, not base64; enums are integers; unknown fields are ignored.
 * Keys are accepted in lowerCamelCase and as written in the {@code .proto} files.
 */
final class OtlpJson {

    /** A body that is not OTLP/JSON, with what and where. */
    static final class JsonException extends Exception {
        JsonException(String message) {
            super(message);
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build());
    }

    private OtlpJson() {
    }

    static ExportMetricsServiceRequest parse(byte[] body, int length) throws JsonException {
        JsonNode root;
        try {
            root = MAPPER.readTree(body, 0, length);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new JsonException("invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new JsonException("invalid JSON: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            return ExportMetricsServiceRequest.getDefaultInstance();
        }
        ExportMetricsServiceRequest.Builder b = ExportMetricsServiceRequest.newBuilder();
        merge(root, b, "");
        return b.build();
    }

    private static void merge(JsonNode node, Message.Builder b, String path) throws JsonException {
        if (!node.isObject()) {
            throw new JsonException(where(path) + "expected an object, got " + node.getNodeType().name().toLowerCase());
        }
        Descriptor d = b.getDescriptorForType();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            FieldDescriptor fd = d.findFieldByName(e.getKey());
            if (fd == null) {
                fd = byJsonName(d, e.getKey());
            }
            JsonNode v = e.getValue();
            if (fd == null || v.isNull()) {
                continue; // unknown fields are ignored, as the OTLP specification requires
            }
            String at = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            if (fd.isRepeated()) {
                if (!v.isArray()) {
                    throw new JsonException(where(at) + "expected an array");
                }
                for (int i = 0; i < v.size(); i++) {
                    b.addRepeatedField(fd, value(fd, v.get(i), b, at + "[" + i + "]"));
                }
            } else {
                b.setField(fd, value(fd, v, b, at));
            }
        }
    }

    private static FieldDescriptor byJsonName(Descriptor d, String name) {
        for (FieldDescriptor fd : d.getFields()) {
            if (fd.getJsonName().equals(name)) {
                return fd;
            }
        }
        return null;
    }

    private static Object value(FieldDescriptor fd, JsonNode v, Message.Builder parent, String at) throws JsonException {
        try {
            return switch (fd.getJavaType()) {
                case MESSAGE -> {
                    Message.Builder child = parent.newBuilderForField(fd);
                    merge(v, child, at);
                    yield child.build();
                }
                case INT -> (int) integer(fd, v, at);
                case LONG -> integer(fd, v, at);
                case DOUBLE -> number(v, at);
                case FLOAT -> (float) number(v, at);
                case BOOLEAN -> {
                    if (!v.isBoolean()) {
                        throw new JsonException(where(at) + "expected a boolean");
                    }
                    yield v.booleanValue();
                }
                case STRING -> {
                    if (!v.isTextual()) {
                        throw new JsonException(where(at) + "expected a string");
                    }
                    yield v.textValue();
                }
                case BYTE_STRING -> {
                    if (!v.isTextual()) {
                        throw new JsonException(where(at) + "expected a string");
                    }
                    // OTLP's exception to the protobuf JSON mapping: trace and span ids are hex.
                    boolean hex = fd.getName().equals("trace_id") || fd.getName().equals("span_id");
                    yield ByteString.copyFrom(hex ? HexFormat.of().parseHex(v.textValue()) : Base64.getDecoder().decode(v.textValue()));
                }
                case ENUM -> {
                    EnumValueDescriptor ev = v.isTextual() ? fd.getEnumType().findValueByName(v.textValue())
                            : fd.getEnumType().findValueByNumber((int) integer(fd, v, at));
                    if (ev == null) {
                        throw new JsonException(where(at) + "unknown value " + v + " of " + fd.getEnumType().getName());
                    }
                    yield ev;
                }
            };
        } catch (IllegalArgumentException e) {
            throw new JsonException(where(at) + e.getMessage());
        }
    }

    private static long integer(FieldDescriptor fd, JsonNode v, String at) throws JsonException {
        boolean unsigned = switch (fd.getType()) {
            case UINT32, UINT64, FIXED32, FIXED64 -> true;
            default -> false;
        };
        if (v.isIntegralNumber()) {
            return unsigned && v.isBigInteger() ? v.bigIntegerValue().longValue() : v.longValue();
        }
        if (v.isTextual()) {
            try {
                return unsigned ? Long.parseUnsignedLong(v.textValue()) : Long.parseLong(v.textValue());
            } catch (NumberFormatException e) {
                throw new JsonException(where(at) + "invalid integer \"" + v.textValue() + "\"");
            }
        }
        throw new JsonException(where(at) + "expected an integer");
    }

    private static double number(JsonNode v, String at) throws JsonException {
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isTextual()) {
            return switch (v.textValue()) {
                case "NaN" -> Double.NaN;
                case "Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> {
                    try {
                        yield Double.parseDouble(v.textValue());
                    } catch (NumberFormatException e) {
                        throw new JsonException(where(at) + "invalid number \"" + v.textValue() + "\"");
                    }
                }
            };
        }
        throw new JsonException(where(at) + "expected a number");
    }

    private static String where(String path) {
        return path.isEmpty() ? "" : path + ": ";
    }
}

package io.promethium.otlp;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Labels;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * OTLP exemplars as the api's: {@code trace_id} and {@code span_id} in hex (absent when all
 * zero), the filtered attributes as labels unless all together exceed 128 characters, as
 * Prometheus's {@code getPromExemplars}.
 */
final class Exemplars {

    private static final int MAX_EXEMPLAR_RUNES = 128;

    private Exemplars() {
    }

    static List<Exemplar> of(List<io.opentelemetry.proto.metrics.v1.Exemplar> in) {
        if (in.isEmpty()) {
            return List.of();
        }
        List<Exemplar> out = new ArrayList<>(in.size());
        HexFormat hex = HexFormat.of();
        for (io.opentelemetry.proto.metrics.v1.Exemplar ex : in) {
            long ts = ex.getTimeUnixNano() / 1_000_000;
            double value = ex.getValueCase() == io.opentelemetry.proto.metrics.v1.Exemplar.ValueCase.AS_INT ? ex.getAsInt() : ex.getAsDouble();
            Labels.Builder b = Labels.builder();
            int runes = 0;
            if (!ex.getTraceId().isEmpty() && !allZero(ex.getTraceId().toByteArray())) {
                String v = hex.formatHex(ex.getTraceId().toByteArray());
                runes += "trace_id".length() + v.length();
                b.set("trace_id", v);
            }
            if (!ex.getSpanId().isEmpty() && !allZero(ex.getSpanId().toByteArray())) {
                String v = hex.formatHex(ex.getSpanId().toByteArray());
                runes += "span_id".length() + v.length();
                b.set("span_id", v);
            }
            for (KeyValue kv : ex.getFilteredAttributesList()) {
                runes += kv.getKey().codePointCount(0, kv.getKey().length());
                String v = AttributeValues.asString(kv.getValue());
                runes += v.codePointCount(0, v.length());
            }
            if (runes <= MAX_EXEMPLAR_RUNES) {
                for (KeyValue kv : ex.getFilteredAttributesList()) {
                    b.set(kv.getKey(), AttributeValues.asString(kv.getValue()));
                }
            }
            out.add(new Exemplar(b.build(), value, ts, ts != 0));
        }
        return out;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}

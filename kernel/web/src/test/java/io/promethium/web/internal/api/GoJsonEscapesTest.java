package io.promethium.web.internal.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GoJsonEscapesTest {

    private static String written(String value) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = ApiResponses.generator(out)) {
            g.writeStartObject();
            g.writeStringField(value, value);
            g.writeEndObject();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void stringsAreEscapedAsPrometheusWritesThem() throws Exception {
        // Prometheus 2.42's answers to label_replace(vector(1), "a", V, "", "") with these two values V
        // (the bytes of its answers read with od -c).
        assertThat(written("<&>\u2028é\u0001")).isEqualTo("{\"\\u003c\\u0026\\u003e\\u2028é\\u0001\":\"\\u003c\\u0026\\u003e\\u2028é\\u0001\"}");
        String odd = "x\b\f\n\r\t\u007f\u0080\u00ff\u2029\ufeff\uD83D\uDE00\\\"/'";
        // Prometheus writes the emoji as its four UTF-8 bytes; the escaped pair is the one difference left.
        String go = "\"x\\u0008\\u000c\\n\\r\\t\u007f\u0080\u00ff\\u2029\ufeff\\ud83d\\ude00\\\\\\\"/'\"";
        assertThat(written(odd)).isEqualTo("{" + go + ":" + go + "}");
    }

    @Test
    void plainAndLongStringsAreWrittenAsThey() throws Exception {
        assertThat(written("127.0.0.1:9100")).isEqualTo("{\"127.0.0.1:9100\":\"127.0.0.1:9100\"}");
        String longer = "a<b".repeat(5000) + "é";
        String escaped = "a\\u003cb".repeat(5000) + "é";
        assertThat(written(longer)).isEqualTo("{\"" + escaped + "\":\"" + escaped + "\"}");
    }
}

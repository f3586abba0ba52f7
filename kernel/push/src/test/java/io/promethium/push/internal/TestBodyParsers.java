package io.promethium.push.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestBodyParsers {

    private static Map<String, MetricFamily> text(String body) throws PushException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return TextBodyParser.parse(b, b.length);
    }

    @Test
    void textSamplesJoinTheirSummaryOrHistogramAndKeepEmptyLabels() throws Exception {
        Map<String, MetricFamily> f = text("""
                # TYPE s summary
                s{quantile="0.5",a="1"} 1
                s_sum{a="1"} 2
                s{quantile="0.9",a="1"} 3
                s_count{a="1"} 4.7
                lonely_sum{x=""} 1
                # HELP orphan never sampled
                """);
        assertThat(f).containsOnlyKeys("s", "lonely_sum");
        PushedMetric m = f.get("s").metrics().get(0);
        assertThat(m.points()).containsExactly(new PushedMetric.Point(0.5, 1), new PushedMetric.Point(0.9, 3));
        assertThat(m.sum()).isEqualTo(2);
        assertThat(m.count()).isEqualTo(4);
        assertThat(f.get("lonely_sum").type()).isEqualTo(FamilyType.UNTYPED);
        assertThat(f.get("lonely_sum").metrics().get(0).labels()).containsExactly(new LabelPair("x", ""));
    }

    @Test
    void textFamilyRulesAreTheTextParsers() {
        assertThatThrownBy(() -> text("a 1\n# TYPE a gauge\n")).hasMessage(
                "text format parsing error in line 2: second TYPE line for metric name \"a\", or TYPE reported after samples");
        assertThatThrownBy(() -> text("# HELP a x\n# HELP a y\na 1\n")).hasMessageContaining("second HELP line for metric name \"a\"");
        assertThatThrownBy(() -> text("# TYPE s summary\ns{quantile=\"high\"} 1\n"))
                .hasMessageContaining("expected float as value for 'quantile' label, got \"high\"");
        assertThatThrownBy(() -> text("# TYPE h histogram\nh_bucket 1\n")).hasMessageContaining("has no le label");
        assertThatThrownBy(() -> text("a{b=\"1\",b=\"2\"} 1\n")).isInstanceOf(PushException.class)
                .hasMessageStartingWith("text format parsing error in line 1");
    }

    @Test
    void protobufFamiliesAreDecoded() throws Exception {
        byte[] body = ProtoBytes.delimited(
                new ProtoBytes().string(1, "g").string(2, "A gauge.").uint(3, 1)
                        .message(4, new ProtoBytes().message(1, ProtoBytes.label("k", "v")).message(2, new ProtoBytes().dbl(1, -2.5)))
                        .uint(99, 7),
                new ProtoBytes().string(1, "u").uint(3, 3).message(4, new ProtoBytes().message(5, new ProtoBytes().dbl(1, 1))));
        Map<String, MetricFamily> f = ProtobufBodyParser.parse(body, body.length);
        assertThat(f.get("g")).isEqualTo(new MetricFamily("g", "A gauge.", FamilyType.GAUGE,
                List.of(PushedMetric.simple(List.of(new LabelPair("k", "v")), -2.5, false))));
        assertThat(f.get("u").type()).isEqualTo(FamilyType.UNTYPED);
    }

    @Test
    void brokenProtobufIsRefusedWithWhereAndWhat() {
        assertThatThrownBy(() -> ProtobufBodyParser.parse(new byte[] {5, 10, 3}, 3)).hasMessageContaining("declares 5 bytes, only 2 remain");
        byte[] noName = ProtoBytes.delimited(new ProtoBytes().uint(3, 1));
        assertThatThrownBy(() -> ProtobufBodyParser.parse(noName, noName.length)).hasMessageContaining("has no name");
        byte[] gaugeHistogram = ProtoBytes.delimited(new ProtoBytes().string(1, "gh").uint(3, 5));
        assertThatThrownBy(() -> ProtobufBodyParser.parse(gaugeHistogram, gaugeHistogram.length)).hasMessageContaining("GAUGE_HISTOGRAM");
        byte[] nativeOnly = ProtoBytes.delimited(new ProtoBytes().string(1, "n").uint(3, 4)
                .message(4, new ProtoBytes().message(7, new ProtoBytes().uint(1, 1).uint(5, 3))));
        assertThatThrownBy(() -> ProtobufBodyParser.parse(nativeOnly, nativeOnly.length)).hasMessageContaining("native histogram without classic buckets");
        byte[] wrongWire = ProtoBytes.delimited(new ProtoBytes().uint(1, 7));
        assertThatThrownBy(() -> ProtobufBodyParser.parse(wrongWire, wrongWire.length)).hasMessageContaining("MetricFamily.name has wire type 0");
        byte[] badUtf8 = ProtoBytes.delimited(new ProtoBytes().bytes(1, new byte[] {(byte) 0xff}));
        assertThatThrownBy(() -> ProtobufBodyParser.parse(badUtf8, badUtf8.length)).hasMessageContaining("not valid UTF-8");
    }

    @Test
    void theProtobufContentTypeNeedsItsParameters() {
        assertThat(ProtobufBodyParser.isDelimitedProtobuf(ProtoBytes.CONTENT_TYPE)).isTrue();
        assertThat(ProtobufBodyParser.isDelimitedProtobuf("application/vnd.google.protobuf; encoding=delimited")).isFalse();
        assertThat(ProtobufBodyParser.isDelimitedProtobuf("text/plain; version=0.0.4")).isFalse();
        assertThat(ProtobufBodyParser.isDelimitedProtobuf(null)).isFalse();
    }

    @Test
    void settingsNameTheFlagThatIsWrong() {
        assertThatThrownBy(() -> PushSettings.from(Map.of("push.group-ttl", "soon")::get)).hasMessageContaining("--push.group-ttl");
        assertThatThrownBy(() -> PushSettings.from(Map.of("push.max-groups", "0")::get)).hasMessageContaining("--push.max-groups");
        assertThatThrownBy(() -> PushSettings.from(Map.of("push.enabled", "maybe")::get)).hasMessageContaining("--push.enabled");
        PushSettings defaults = PushSettings.from(Map.<String, String>of()::get);
        assertThat(defaults.enabled()).isTrue();
        assertThat(defaults.persistenceFile()).isEqualTo(java.nio.file.Path.of("data", "pushgateway.data"));
        assertThat(defaults.honorLabels()).isTrue();
        assertThat(defaults.storageInstance()).isEqualTo("localhost:9090");
    }
}

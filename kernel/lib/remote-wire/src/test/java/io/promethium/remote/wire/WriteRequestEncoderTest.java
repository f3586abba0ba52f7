package io.promethium.remote.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.api.model.StaleMarker;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WriteRequestEncoderTest {

    @Test
    void encodedRequestDecodesToTheSameSeriesSamplesAndExemplarsWithStaleBitsExact() throws Exception {
        WriteRequestEncoder e = new WriteRequestEncoder();
        for (int round = 0; round < 2; round++) {
            e.reset();
            e.beginSeries(Labels.of("__name__", "up", "job", "x".repeat(300)));
            e.sample(1000, 1);
            e.sample(2000, StaleMarker.STALE_NAN);
            e.exemplar(Labels.of("trace_id", "abc"), 0.5, 1500);
            e.endSeries();
            e.beginSeries(Labels.of("__name__", "b"));
            e.sample(-5, -0.0);
            e.endSeries();
            e.metadata("up", MetricType.GAUGE, "help", "");
            byte[] compressed = Snappy.encode(e.buffer(), e.size());
            byte[] raw = Snappy.decode(compressed, compressed.length, 1 << 20);
            List<String> seen = new ArrayList<>();
            new WriteRequestDecoder().decode(raw, raw.length, (labels, ts, vs, n, ex, exN) -> {
                StringBuilder sb = new StringBuilder(labels.get("__name__")).append(labels.get("job").length());
                for (int i = 0; i < n; i++) {
                    sb.append(' ').append(ts[i]).append('=').append(Long.toHexString(Double.doubleToRawLongBits(vs[i])));
                }
                for (int i = 0; i < exN; i++) {
                    sb.append(" ex ").append(ex[i].labels()).append(ex[i].value());
                }
                seen.add(sb.toString());
            });
            assertThat(seen).containsExactly(
                    "up300 1000=3ff0000000000000 2000=" + Long.toHexString(Double.doubleToRawLongBits(StaleMarker.STALE_NAN))
                            + " ex {trace_id=\"abc\"}0.5",
                    "b0 -5=8000000000000000");
        }
    }
}

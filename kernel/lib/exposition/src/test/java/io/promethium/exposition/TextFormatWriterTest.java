package io.promethium.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TextFormatWriterTest {

    /**
     * A counter family named as OpenMetrics names it is announced under its samples' {@code _total}
     * name, as client_golang and client_java write this format: a text-format reader (promtool
     * check metrics, a 0.0.4 scraper) otherwise types {@code x_total} as an untyped metric.
     */
    @Test
    void aCounterFamilyWithoutTotalIsAnnouncedUnderItsSamplesName() {
        StringWriter out = new StringWriter();
        TextFormatWriter writer = new TextFormatWriter(out);
        writer.family("compactions", MetricType.COUNTER, "Compactions run.", null);
        writer.sample("compactions_total", Labels.EMPTY, 3);
        writer.family("legacy", MetricType.COUNTER, null, null);
        writer.sample("legacy", Labels.EMPTY, 1);
        writer.family("requests_total", MetricType.COUNTER, null, null);
        writer.sample("requests_total", Labels.EMPTY, 2);
        writer.family("temperature", MetricType.GAUGE, null, null);
        writer.sample("temperature_total", Labels.EMPTY, 4);
        writer.family("empty", MetricType.COUNTER, "None yet.", null);
        writer.finish();

        assertThat(out.toString()).isEqualTo("""
                # HELP compactions_total Compactions run.
                # TYPE compactions_total counter
                compactions_total 3
                # TYPE legacy counter
                legacy 1
                # TYPE requests_total counter
                requests_total 2
                # TYPE temperature gauge
                temperature_total 4
                # HELP empty None yet.
                # TYPE empty counter
                """);
    }
}

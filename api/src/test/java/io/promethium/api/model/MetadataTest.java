package io.promethium.api.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetadataTest {
    @Test
    void metadataAreEqualExactlyWhenEveryComponentIs() {
        Metadata m = new Metadata(MetricType.COUNTER, "Requests served.", "requests", "http_requests");
        Metadata same = new Metadata(MetricType.COUNTER, new String("Requests served."), new String("requests"), new String("http_requests"));
        assertThat(same).isEqualTo(m).hasSameHashCodeAs(m);
        assertThat(new Metadata(MetricType.GAUGE, "Requests served.", "requests", "http_requests")).isNotEqualTo(m);
        assertThat(new Metadata(MetricType.COUNTER, "Requests.", "requests", "http_requests")).isNotEqualTo(m);
        assertThat(new Metadata(MetricType.COUNTER, "Requests served.", "", "http_requests")).isNotEqualTo(m);
        assertThat(new Metadata(MetricType.COUNTER, "Requests served.", "requests", "")).isNotEqualTo(m);
        assertThat(m).isNotEqualTo(null).isNotEqualTo("Requests served.");
        // Null help, unit and family read as empty, so they equal the empty ones.
        assertThat(new Metadata(MetricType.GAUGE, null, null, null)).isEqualTo(new Metadata(MetricType.GAUGE, "", "", ""))
                .hasSameHashCodeAs(new Metadata(MetricType.GAUGE, "", "", ""));
    }
}

package io.promethium.scrape.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.exposition.ExpositionFormat;
import org.junit.jupiter.api.Test;

class PageFormatTest {

    @Test
    void theContentTypeChoosesTheFormatAndAChangeIsFollowed() throws Exception {
        PageFormat formats = new PageFormat(null);
        assertThat(formats.of("text/plain; version=0.0.4; charset=utf-8")).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
        assertThat(formats.of("text/plain; version=0.0.4; charset=utf-8")).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
        assertThat(formats.of("application/openmetrics-text; version=1.0.0; charset=utf-8"))
                .isEqualTo(ExpositionFormat.OPENMETRICS_TEXT_1_0_0);
    }

    @Test
    void anUnknownContentTypeFailsTheScrapeAsAParseErrorWithoutFallback() {
        PageFormat formats = new PageFormat(null);
        assertThatThrownBy(() -> formats.of("application/json"))
                .isInstanceOfSatisfying(ScrapeException.class, e -> assertThat(e.kind()).isEqualTo(ScrapeException.Kind.PARSE));
    }

    @Test
    void anUnknownContentTypeTakesTheFallbackFormat() throws Exception {
        PageFormat formats = new PageFormat(ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
        assertThat(formats.of("application/json")).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
        assertThat(formats.of(null)).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
    }
}

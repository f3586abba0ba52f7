package io.promethium.config.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.config.model.StorageConfig.RetentionRule;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StorageSettingsPublisherTest {

    /**
     * The retention rules reach the storage plugin as length-prefixed fields; the TSDB's
     * {@code RetentionRulesComponentTest} decodes this same literal.
     */
    @Test
    void retentionRulesAreEncodedAsLengthPrefixedFields() {
        String[] encoded = StorageSettingsPublisher.encode(List.of(
                new RetentionRule("{__name__=~\"debug_.*\"}", List.of("__name__", "=~", "debug_.*"), Duration.ofHours(1)),
                new RetentionRule("up", List.of("__name__", "=", "up", "job", "=", "a:b\"c"), Duration.ofDays(90))));
        assertThat(encoded).containsExactly("2:1h22:{__name__=~\"debug_.*\"}8:__name__2:=~8:debug_.*",
                "5:12w6d2:up8:__name__1:=2:up3:job1:=5:a:b\"c");
    }

    /** The TSDB's {@code ComponentConfig.downsampling} decodes this same literal. */
    @Test
    void downsamplingIsEncodedAsResolutionAfterRetention() {
        String[] encoded = StorageSettingsPublisher.encodeDownsampling(List.of(
                new io.promethium.config.model.StorageConfig.DownsamplingResolution(Duration.ofMinutes(5), Duration.ofHours(40), Duration.ofDays(90)),
                new io.promethium.config.model.StorageConfig.DownsamplingResolution(Duration.ofHours(1), Duration.ofDays(10), Duration.ZERO)));
        org.assertj.core.api.Assertions.assertThat(encoded).containsExactly("5m,1d16h,12w6d", "1h,1w3d,0s");
    }
}

package io.promethium.alerting.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AlertingComponentTest {

    @Test
    void queueCapacityFlagDefaultsTo10000AndMustBeAPositiveInteger() {
        assertThat(AlertingComponent.capacity(null)).isEqualTo(10_000);
        assertThat(AlertingComponent.capacity(" 250 ")).isEqualTo(250);
        assertThatThrownBy(() -> AlertingComponent.capacity("many")).hasMessageContaining("not an integer: many");
        assertThatThrownBy(() -> AlertingComponent.capacity("0")).hasMessageContaining("must be positive");
    }

    @Test
    void batchSizeFlagDefaultsTo256AndMustBeAPositiveInteger() {
        assertThat(AlertingComponent.positive("alertmanager.notification-batch-size", null, NotifierManager.MAX_BATCH)).isEqualTo(256);
        assertThat(AlertingComponent.positive("alertmanager.notification-batch-size", "10", 256)).isEqualTo(10);
        assertThatThrownBy(() -> AlertingComponent.positive("alertmanager.notification-batch-size", "-1", 256))
                .hasMessageContaining("--alertmanager.notification-batch-size must be positive");
    }
}

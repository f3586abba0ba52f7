package io.promethium.notifications.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.config.ConfigService.ReloadResult;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class NotificationsComponentTest {

    private final NotificationsComponent component = new NotificationsComponent(16,
            Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC));

    private java.util.List<String> texts() {
        return component.notifications().list().stream().map(Notifications.Notification::text).toList();
    }

    @Test
    void startingUpLastsUntilTheFirstConfigLoad() {
        assertThat(texts()).containsExactly(Notifications.STARTING_UP);
        component.reloaded(new ReloadResult(true, Instant.now(), ""));
        assertThat(texts()).isEmpty();
    }

    @Test
    void aFailedReloadIsToldUntilAGoodOne() {
        component.reloaded(new ReloadResult(false, Instant.now(), "prometheus.yml:1:1: bad"));
        assertThat(texts()).containsExactly(Notifications.CONFIGURATION_UNSUCCESSFUL);
        component.reloaded(new ReloadResult(false, Instant.now(), "still bad"));
        assertThat(texts()).containsExactly(Notifications.CONFIGURATION_UNSUCCESSFUL);
        component.reloaded(new ReloadResult(true, Instant.now(), ""));
        assertThat(texts()).isEmpty();
    }

    @Test
    void stoppingTellsShuttingDown() {
        component.reloaded(new ReloadResult(true, Instant.now(), ""));
        component.deactivate();
        assertThat(texts()).containsExactly(Notifications.SHUTTING_DOWN);
    }

    @Test
    void theSubscriberLimitFlagIsANonNegativeNumber() {
        assertThat(NotificationsComponent.maxSubscribers(null)).isEqualTo(16);
        assertThat(NotificationsComponent.maxSubscribers(" 0 ")).isZero();
        assertThatThrownBy(() -> NotificationsComponent.maxSubscribers("-1"))
                .hasMessageContaining("--web.max-notifications-subscribers");
        assertThatThrownBy(() -> NotificationsComponent.maxSubscribers("many"))
                .hasMessageContaining("--web.max-notifications-subscribers: not a number of subscribers: many");
    }
}

package io.promethium.alertmanager.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.alertmanager.store.NotificationLog;
import io.promethium.api.notify.Notification.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The dedup decision with its reason, on the cases of the newest Alertmanager's
 * {@code TestDedupStageNeedsUpdate} (notify/notify_test.go; there only notify or not) with the
 * {@code NotifyReason} its {@code needsUpdate} returns for each (notify/dedup_stage.go).
 */
class NotificationReasonTest {

    private static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");
    private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

    private static NotificationLog.Entry entry(Set<Long> firing, Set<Long> resolved, Instant at) {
        return new NotificationLog.Entry(at, firing, resolved, at.plus(Duration.ofHours(120)));
    }

    private static Reason reason(NotificationLog.Entry e, Set<Long> firing, Set<Long> resolved, Duration repeat, boolean sendResolved) {
        return Notifications.reason(e, firing, resolved, repeat, sendResolved, NOW);
    }

    @Test
    void noEntryIsTheFirstNotificationUnlessNothingFires() {
        assertThat(reason(null, Set.of(2L, 3L, 4L), Set.of(), Duration.ZERO, false)).isEqualTo(Reason.FIRST_NOTIFICATION);
        assertThat(reason(null, Set.of(), Set.of(2L, 3L, 4L), Duration.ZERO, false)).isNull();
    }

    @Test
    void firingAlertsTheLogDidNotHaveAreNewAlertsOrAFirstNotificationAfterAllResolved() {
        assertThat(reason(entry(Set.of(1L, 2L, 3L), Set.of(), NOW), Set.of(2L, 3L, 4L), Set.of(), Duration.ZERO, false))
                .isEqualTo(Reason.NEW_ALERTS_IN_GROUP);
        assertThat(reason(entry(Set.of(), Set.of(1L), NOW.minusSeconds(5)), Set.of(1L), Set.of(), TEN_MINUTES, true))
                .as("the last notification was of all resolved").isEqualTo(Reason.FIRST_NOTIFICATION);
    }

    @Test
    void identicalAlertsWaitForTheRepeatInterval() {
        assertThat(reason(entry(Set.of(1L, 2L, 3L), Set.of(), Instant.EPOCH), Set.of(1L, 2L, 3L), Set.of(), Duration.ZERO, false))
                .as("an old timestamp always updates").isEqualTo(Reason.REPEAT_INTERVAL_ELAPSED);
        assertThat(reason(entry(Set.of(1L, 2L, 3L), Set.of(), NOW.minus(Duration.ofMinutes(9))), Set.of(1L, 2L, 3L), Set.of(),
                TEN_MINUTES, false)).isNull();
        assertThat(reason(entry(Set.of(1L, 2L, 3L), Set.of(), NOW.minus(Duration.ofMinutes(11))), Set.of(1L, 2L, 3L), Set.of(),
                TEN_MINUTES, false)).isEqualTo(Reason.REPEAT_INTERVAL_ELAPSED);
    }

    @Test
    void resolvedAlertsCountOnlyWithSendResolvedOrWhenNothingFiresAnyMore() {
        Instant nineAgo = NOW.minus(Duration.ofMinutes(9));
        assertThat(reason(entry(Set.of(), Set.of(1L, 2L, 3L), NOW.minus(Duration.ofMinutes(11))), Set.of(), Set.of(3L, 4L, 5L),
                TEN_MINUTES, true)).as("resolved alerts the receiver never saw firing").isNull();
        assertThat(reason(entry(Set.of(1L, 2L), Set.of(3L), nineAgo), Set.of(1L), Set.of(2L, 3L), TEN_MINUTES, false)).isNull();
        assertThat(reason(entry(Set.of(1L, 2L), Set.of(3L), nineAgo), Set.of(1L), Set.of(2L, 3L), TEN_MINUTES, true))
                .isEqualTo(Reason.NEW_RESOLVED_ALERTS);
        assertThat(reason(entry(Set.of(1L, 2L), Set.of(3L), nineAgo), Set.of(), Set.of(1L, 2L, 3L), TEN_MINUTES, false))
                .isEqualTo(Reason.ALL_ALERTS_RESOLVED);
        assertThat(reason(entry(Set.of(1L, 2L), Set.of(3L), nineAgo), Set.of(), Set.of(1L, 2L, 3L), TEN_MINUTES, true))
                .isEqualTo(Reason.ALL_ALERTS_RESOLVED);
    }
}

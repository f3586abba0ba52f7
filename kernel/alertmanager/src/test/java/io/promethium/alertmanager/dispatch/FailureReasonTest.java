package io.promethium.alertmanager.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.notify.NotifyException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The {@code reason} label of alertmanager_notifications_failed_total as Alertmanager 0.34 sets it
 * (notify/util.go: {@code Reason}, {@code possibleFailureReasonCategory},
 * {@code GetFailureReasonFromStatusCode}).
 */
class FailureReasonTest {

    private static String reasonOf(int status) {
        return DispatchMetrics.FAILURE_REASONS[DispatchMetrics.reason(NotifyException.status("x", status, false, null))];
    }

    @Test
    void everyReasonAlertmanagerExposesIsExposedInItsOrder() {
        assertThat(DispatchMetrics.FAILURE_REASONS).containsExactly("other", "clientError", "serverError", "contextCanceled",
                "contextDeadlineExceeded", "authError", "rateLimited");
        assertThat(new DispatchMetrics.PerIntegration().failed).hasSameSizeAs(DispatchMetrics.FAILURE_REASONS);
    }

    @Test
    void statusCodesMapAsAlertmanagersGetFailureReasonFromStatusCode() {
        assertThat(reasonOf(401)).isEqualTo("authError");
        assertThat(reasonOf(403)).isEqualTo("authError");
        assertThat(reasonOf(429)).isEqualTo("rateLimited");
        assertThat(reasonOf(400)).isEqualTo("clientError");
        assertThat(reasonOf(404)).isEqualTo("clientError");
        assertThat(reasonOf(500)).isEqualTo("serverError");
        assertThat(reasonOf(503)).isEqualTo("serverError");
        assertThat(DispatchMetrics.FAILURE_REASONS[DispatchMetrics.reason(NotifyException.retryAfter("x", Duration.ofSeconds(1)))])
                .as("no status: a garbage answer or an I/O error").isEqualTo("other");
    }
}

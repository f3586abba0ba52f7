package io.promethium.discovery.kubernetes.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How long lists and watches may wait for their answer before their connection is taken for dead. */
class AnswerTimesTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aWatchWaitsTheMinimumAndAListTheRequestTimeoutUntilOneWasAnswered() {
        AnswerTimes times = new AnswerTimes(Duration.ofSeconds(60));
        assertThat(times.watchMillis()).isEqualTo(5_000);
        assertThat(times.listMillis()).isEqualTo(60_000);
    }

    @Test
    void aListWaitsFourTimesTheSlowestRecentListWithinTheMinimumAndTheRequestTimeout() {
        AnswerTimes times = new AnswerTimes(Duration.ofSeconds(60));
        times.listAnswered(SECOND / 100);
        assertThat(times.listMillis()).as("fast lists: the minimum").isEqualTo(5_000);
        times.listAnswered(3 * SECOND);
        assertThat(times.listMillis()).as("a large cluster's 3 s list").isEqualTo(12_000);
        times.listAnswered(30 * SECOND);
        assertThat(times.listMillis()).as("never past the request timeout").isEqualTo(60_000);
    }

    @Test
    void oneSlowListIsForgottenAsFasterOnesFollow() {
        AnswerTimes times = new AnswerTimes(Duration.ofSeconds(60));
        times.listAnswered(8 * SECOND);
        assertThat(times.listMillis()).isEqualTo(32_000);
        times.listAnswered(SECOND / 10);
        assertThat(times.listMillis()).isEqualTo(16_000);
        times.listAnswered(SECOND / 10);
        times.listAnswered(SECOND / 10);
        assertThat(times.listMillis()).isEqualTo(5_000);
    }

    /** A list unanswered in time may have met a slow API, not a dead connection: the next one waits twice as long. */
    @Test
    void anUnansweredListDoublesTheNextOnesWait() {
        AnswerTimes times = new AnswerTimes(Duration.ofSeconds(60));
        times.listAnswered(SECOND / 10);
        times.listUnanswered(times.listMillis());
        assertThat(times.listMillis()).isEqualTo(10_000);
        times.listUnanswered(times.listMillis());
        assertThat(times.listMillis()).isEqualTo(20_000);
        times.listUnanswered(times.listMillis());
        times.listUnanswered(times.listMillis());
        assertThat(times.listMillis()).isEqualTo(60_000);
    }

    /** The warning of an unanswered request names its wait; retries that waited longer are the same failure, logged once. */
    @Test
    void unansweredRequestsToOnePathAreOneFailureWhateverTheirWait() {
        String first = Connections.NO_ANSWER + "https://k8s:6443/api/v1/pods (HttpTimeoutException: request timed out after 5 s;"
                + " its connection presumed cut, retrying on a new one)";
        String longer = first.replace("after 5 s", "after 10 s");
        String other = first.replace("/pods", "/services");
        assertThat(Connections.Shared.sameFailure(first, longer)).isTrue();
        assertThat(Connections.Shared.sameFailure(first, other)).isFalse();
        assertThat(Connections.Shared.sameFailure(first, "HttpTimeoutException: request timed out")).isFalse();
    }
}

package io.promethium.web.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ThrottledLogTest {

    private final List<String> lines = new ArrayList<>();
    private final AtomicLong now = new AtomicLong(1_000);
    private final ThrottledLog log = new ThrottledLog(lines::add, Duration.ofSeconds(10), now::get);

    @Test
    void theFirstEventOfAKeyIsLoggedAndThoseWithinTheIntervalAfterItAreOnlyCounted() {
        assertThat(log.log("a", () -> "first")).isTrue();
        for (int i = 0; i < 1000; i++) {
            now.addAndGet(9_000_000); // 9 s in all
            assertThat(log.log("a", () -> "flood")).isFalse();
        }
        assertThat(lines).containsExactly("first");
    }

    @Test
    void theNextLineAfterTheIntervalTellsHowManyWereNotLogged() {
        log.log("a", () -> "one");
        log.log("a", () -> "two");
        log.log("a", () -> "three");
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertThat(log.log("a", () -> "four")).isTrue();
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        log.log("a", () -> "five");
        assertThat(lines).containsExactly("one",
                "four (2 more since the previous such line, not logged: at most one every 10s)",
                "five");
    }

    @Test
    void keysAreThrottledEachOnItsOwn() {
        log.log("a", () -> "a1");
        log.log("b", () -> "b1");
        log.log("a", () -> "a2");
        log.log("b", () -> "b2");
        assertThat(lines).containsExactly("a1", "b1");
    }

    @Test
    void aSuppressedEventBuildsNoMessage() {
        log.log("a", () -> "a1");
        assertThat(log.log("a", () -> {
            throw new AssertionError("built");
        })).isFalse();
    }

    @Test
    void printableShowsControlCharactersEscapedAndCutsLongText() {
        assertThat(ThrottledLog.printable("/api\n/x\u0007", 100)).isEqualTo("/api\\u000a/x\\u0007");
        assertThat(ThrottledLog.printable("x".repeat(50), 10)).isEqualTo("xxxxxxxxxx... (50 characters)");
        assertThat(ThrottledLog.printable(null, 10)).isEqualTo("null");
    }
}

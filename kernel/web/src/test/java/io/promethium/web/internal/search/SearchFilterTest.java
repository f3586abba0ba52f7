package io.promethium.web.internal.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The scores of Prometheus 3.14's {@code subsequence_test.go} and {@code search_test.go} (TestMatchName) cases. */
class SearchFilterTest {

    private static final double EPS = 1e-12;

    @Test
    void subsequenceScoresRewardRunsAndChargeGapsAsGo() {
        assertThat(SearchFilter.subsequenceScore("", "anything")).isEqualTo(1.0);
        assertThat(SearchFilter.subsequenceScore("abc", "")).isEqualTo(0.0);
        assertThat(SearchFilter.subsequenceScore("my awesome text", "my awesome text")).isEqualTo(1.0);
        assertThat(SearchFilter.subsequenceScore("my", "my awesome text")).isCloseTo(107.0 / 120.0 * 0.999, within(EPS));
        assertThat(SearchFilter.subsequenceScore("tex", "my awesome text")).isCloseTo(247.0 / 270.0 * 0.999, within(EPS));
        assertThat(SearchFilter.subsequenceScore("met", "my awesome text")).isCloseTo(43.0 / 90.0 * 0.999, within(EPS));
        assertThat(SearchFilter.subsequenceScore("bac", "babac")).isCloseTo(43.0 / 45.0 * 0.999, within(EPS));
        assertThat(SearchFilter.subsequenceScore("handler1", "handler10")).isCloseTo(1149849.0 / 1152000.0, within(EPS));
        assertThat(SearchFilter.subsequenceScore("oa", "goat")).isCloseTo(29.0 / 32.0 * 0.999, within(EPS));
        for (String[] none : List.of(new String[] {"abcd", "abc"}, new String[] {"abc", "éé"}, new String[] {"é", "ab"},
                new String[] {"xyz", "abc"}, new String[] {"üé", "éàü"}, new String[] {"éàx", "éàü"}, new String[] {"é", "ã"})) {
            assertThat(SearchFilter.subsequenceScore(none[0], none[1])).as(none[0] + " in " + none[1]).isEqualTo(0.0);
        }
    }

    @Test
    void subsequenceCountsCharactersNotBytesOrUtf16Units() {
        assertThat(SearchFilter.subsequenceScore("éàü", "éàü")).isEqualTo(1.0);
        assertThat(SearchFilter.subsequenceScore("éà", "éàü")).isCloseTo(23.0 / 24.0 * 0.999, within(EPS));
        assertThat(SearchFilter.subsequenceScore("éü", "éàü")).isCloseTo(5.0 / 12.0 * 0.999, within(EPS));
        assertThat(SearchFilter.subsequenceScore("aé", "aéb")).isCloseTo(23.0 / 24.0 * 0.999, within(EPS));
    }

    @Test
    void jaroWinklerFilterTakesSubstringsFirstThenNearMissesAboveTheThreshold() {
        assertThat(SearchFilter.of(List.of(""), 100, "jarowinkler", true)).isNull();
        assertThat(SearchFilter.of(List.of("go_gor"), 100, "jarowinkler", true).accept("go_goroutines"))
                .isEqualTo(new SearchFilter.Verdict(true, 1.0));
        assertThat(SearchFilter.of(List.of("GO_GOR"), 100, "jarowinkler", true).accept("go_goroutines").accepted()).isFalse();
        assertThat(SearchFilter.of(List.of("GO_GOR"), 100, "jarowinkler", false).accept("go_goroutines"))
                .isEqualTo(new SearchFilter.Verdict(true, 1.0));
        assertThat(SearchFilter.of(List.of("xyz_not_found"), 100, "jarowinkler", true).accept("go_goroutines").accepted()).isFalse();
        assertThat(SearchFilter.of(List.of("go_goroutins"), 80, "jarowinkler", true).accept("go_goroutines").accepted()).isTrue();
        assertThat(SearchFilter.of(List.of("go_goroutins"), 100, "jarowinkler", true).accept("go_goroutines").accepted()).isFalse();
        // idx 3, last position 13 - 9 = 4: 1 - 0.9 * 3 / 4.
        assertThat(SearchFilter.of(List.of("goroutine"), 100, "jarowinkler", true).accept("go_goroutines").score())
                .isCloseTo(0.325, within(EPS));
    }
}

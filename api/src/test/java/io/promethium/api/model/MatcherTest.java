package io.promethium.api.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MatcherTest {

    @Test
    void aRegexIsAnchoredAndDotMatchesNewline() {
        Matcher m = Matcher.of(MatchType.REGEX, "job", "a.c");
        assertThat(m.matches("abc")).isTrue();
        assertThat(m.matches("a\nc")).isTrue();
        assertThat(m.matches("xabc")).isFalse();
        assertThat(Matcher.of(MatchType.NOT_REGEX, "job", "a.c").matches("abc")).isFalse();
    }

    @Test
    void aCubicRegexOnALongValueIsStoppedWithAnErrorNamingItInsteadOfRunningForMinutes() {
        Matcher m = Matcher.of(MatchType.REGEX, "path", ".*.*.*a");
        String value = "x".repeat(10_000);
        long started = System.nanoTime();
        assertThatThrownBy(() -> m.matches(value))
                .isInstanceOf(RegexTooExpensiveException.class)
                .hasMessageContaining("regular expression \".*.*.*a\" of matcher path=~")
                .hasMessageContaining("10000 characters")
                .hasMessageContaining("more than " + Matcher.regexSteps(10_000) + " steps");
        // Bounded by the step budget: well under the minutes the full match would take.
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(5_000);
        assertThatThrownBy(() -> Matcher.of(MatchType.NOT_REGEX, "path", ".*.*.*a").matches(value))
                .isInstanceOf(RegexTooExpensiveException.class);
    }

    @Test
    void theSameRegexOnAShortValueAndLinearRegexesOnLongValuesStillMatch() {
        assertThat(Matcher.of(MatchType.REGEX, "path", ".*.*.*a").matches("x".repeat(50) + "a")).isTrue();
        assertThat(Matcher.of(MatchType.REGEX, "path", ".*.*.*a").matches("x".repeat(50))).isFalse();
        String longValue = "x".repeat(100_000) + "error" + "y".repeat(100_000);
        assertThat(Matcher.of(MatchType.REGEX, "msg", ".*error.*").matches(longValue)).isTrue();
        assertThat(Matcher.of(MatchType.REGEX, "msg", "x+errory+").matches(longValue)).isTrue();
        assertThat(Matcher.of(MatchType.REGEX, "msg", "(a|b|c|x|error|y)*").matches("x".repeat(500) + "error")).isTrue();
    }

    @Test
    void aRepeatedAlternationThatWouldOverflowTheStackOnALongValueIsRefusedNamingIt() {
        assertThatThrownBy(() -> Matcher.of(MatchType.REGEX, "msg", "(a|b|x)*").matches("x".repeat(1_000_000)))
                .isInstanceOf(RegexTooExpensiveException.class)
                .hasMessageContaining("regular expression \"(a|b|x)*\" of matcher msg=~")
                .hasMessageContaining("recurses too deeply");
    }

    @Test
    void patternMatchesIsPositiveWhateverTheOperatorAndRefusedWithoutARegex() {
        assertThat(Matcher.of(MatchType.NOT_REGEX, "job", "a+").patternMatches("aaa")).isTrue();
        assertThatThrownBy(() -> Matcher.equal("job", "a").patternMatches("a")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void regexInTheFoundCauseChain() {
        RegexTooExpensiveException r = new RegexTooExpensiveException("x");
        assertThat(RegexTooExpensiveException.in(new RuntimeException(new IllegalStateException(r)))).isSameAs(r);
        assertThat(RegexTooExpensiveException.in(new RuntimeException())).isNull();
    }
}

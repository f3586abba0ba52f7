package io.promethium.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LabelsTest {

    @Test
    void sortsByNameAndDropsEmptyValues() {
        Labels labels = Labels.of("job", "node", "__name__", "up", "empty", "");
        assertThat(labels.size()).isEqualTo(2);
        assertThat(labels.name(0)).isEqualTo("__name__");
        assertThat(labels.get("job")).isEqualTo("node");
        assertThat(labels.get("empty")).isEmpty();
        assertThat(labels).hasToString("{__name__=\"up\", job=\"node\"}");
    }

    @Test
    void laterDuplicateNameWins() {
        assertThat(Labels.of("a", "1", "a", "2").get("a")).isEqualTo("2");
    }

    @Test
    void equalSetsAreEqualRegardlessOfInputOrder() {
        Labels a = Labels.of("a", "1", "b", "2");
        Labels b = Labels.of("b", "2", "a", "1");
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.stableHash()).isEqualTo(b.stableHash());
        assertThat(a.compareTo(b)).isZero();
    }

    @Test
    void comparesPairByPairWithPrefixFirst() {
        assertThat(Labels.of("a", "1").compareTo(Labels.of("a", "1", "b", "1"))).isNegative();
        assertThat(Labels.of("a", "2").compareTo(Labels.of("a", "1", "b", "1"))).isPositive();
    }

    @Test
    void namesInOrderThenOneBeforeThemThenADuplicateOfAnEarlierOneStillSortAndOverride() {
        Labels labels = Labels.builder().set("b", "1").set("d", "2").set("a", "3").set("e", "4").set("b", "5").set("c", "").build();
        assertThat(labels).hasToString("{a=\"3\", b=\"5\", d=\"2\", e=\"4\"}");
        assertThat(Labels.builder().set("a", "1").set("b", "").set("c", "3").set("a", "2").build()).hasToString("{a=\"2\", c=\"3\"}");
    }

    @Test
    void aSetBuiltWithoutACopyStaysAsBuiltWhenItsBuilderChangesAfterwards() {
        Labels.Builder b = Labels.builder(2).set("a", "1").set("b", "2");
        Labels first = b.build();
        b.set("b", "3");
        Labels second = b.build();
        b.remove("a");
        Labels third = b.build();
        b.set("c", "4");
        Labels fourth = b.build();
        assertThat(first).hasToString("{a=\"1\", b=\"2\"}");
        assertThat(second).isEqualTo(Labels.of("a", "1", "b", "3"));
        assertThat(third).isEqualTo(Labels.of("b", "3"));
        assertThat(fourth).isEqualTo(Labels.of("b", "3", "c", "4"));
    }

    @Test
    void builderRemovesAndOverrides() {
        Labels labels = Labels.of("a", "1", "b", "2").toBuilder().remove("a").set("c", "3").set("b", "").build();
        assertThat(labels).isEqualTo(Labels.of("c", "3"));
    }

    @Test
    void regexMatchersAreAnchoredAndDotMatchesNewline() {
        Matcher m = Matcher.of(MatchType.REGEX, "job", "no.e");
        assertThat(m.matches("node")).isTrue();
        assertThat(m.matches("nodes")).isFalse();
        assertThat(m.matches("no\ne")).isTrue();
        assertThat(Matcher.of(MatchType.NOT_REGEX, "job", "a|b").matches("c")).isTrue();
        assertThat(Matcher.of(MatchType.EQUAL, "x", "").matchesEmpty()).isTrue();
    }

    @Test
    void acceptsRe2NamedGroups() {
        assertThat(Matcher.of(MatchType.REGEX, "job", "(?P<name>no)de").matches("node")).isTrue();
    }

    @Test
    void invalidRegexNamesTheExpression() {
        assertThatThrownBy(() -> Matcher.of(MatchType.REGEX, "job", "(")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"(\"");
    }

    @Test
    void staleMarkerIsRecognisedByBitsNotByNaN() {
        assertThat(StaleMarker.isStale(StaleMarker.STALE_NAN)).isTrue();
        assertThat(StaleMarker.isStale(Double.NaN)).isFalse();
    }

    @Test
    void namesAndValuesSortByUtf8BytesAsGoDoesNotByUtf16CodeUnits() {
        String fullWidth = "\uFF41"; // U+FF41, 3 bytes in UTF-8 (EF BD A1)
        String emoji = "\uD83D\uDE00"; // U+1F600, 4 bytes (F0 9F 98 80): after it in Go, before it in Java's compareTo
        assertThat(emoji.compareTo(fullWidth)).as("Java's own order").isNegative();
        assertThat(Labels.compareStrings(emoji, fullWidth)).isPositive();
        assertThat(Labels.compareStrings(fullWidth, emoji)).isNegative();
        assertThat(Labels.compareStrings("a" + emoji, "a" + emoji)).isZero();
        assertThat(Labels.compareStrings("abc", "abd")).isNegative();
        assertThat(Labels.compareStrings("ab", "abc")).isNegative();
        assertThat(Labels.compareStrings("\uE000", "\uD7FF")).isPositive();
        // The nearest pair whose orders part: U+10FFFF's high surrogate is 0x401 below U+E000.
        assertThat(Labels.compareStrings("a\uDBFF\uDFFF", "a\uE000")).isPositive();
        assertThat(Labels.compareStrings("a\uE000", "a\uDBFF\uDFFF")).isNegative();
        Labels set = Labels.of(emoji, "1", fullWidth, "2", "a", "3");
        assertThat(set.names()).containsExactly("a", fullWidth, emoji);
        assertThat(set.get(emoji)).isEqualTo("1");
        assertThat(set.get(fullWidth)).isEqualTo("2");
        assertThat(Labels.of("x", emoji).compareTo(Labels.of("x", fullWidth))).isPositive();
        java.util.TreeSet<String> values = new java.util.TreeSet<>(Labels.STRING_ORDER);
        values.addAll(java.util.List.of(emoji, fullWidth, "z"));
        assertThat(values).containsExactly("z", fullWidth, emoji);
    }

    @Test
    void sortedUnionKeepsTheOrderAndDropsDuplicates() {
        java.util.List<String> a = java.util.List.of("a", "c", "e");
        assertThat(Labels.sortedUnion(a, java.util.List.of("b", "c", "f", "g"), Labels.STRING_ORDER)).containsExactly("a", "b", "c", "e", "f", "g");
        assertThat(Labels.sortedUnion(java.util.List.of(), a, Labels.STRING_ORDER)).isSameAs(a);
        assertThat(Labels.sortedUnion(a, java.util.List.of(), Labels.STRING_ORDER)).isSameAs(a);
        assertThat(Labels.sortedUnion(java.util.List.of("b"), java.util.List.of("a"), Labels.STRING_ORDER)).containsExactly("a", "b");
        // Go's order: U+E000 before U+1F600, where String.compareTo puts the surrogate pair first.
        assertThat(Labels.sortedUnion(java.util.List.of("\uD83D\uDE00"), java.util.List.of("\uE000"), Labels.STRING_ORDER))
                .containsExactly("\uE000", "\uD83D\uDE00");
    }
}

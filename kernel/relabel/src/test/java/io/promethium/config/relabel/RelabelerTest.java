package io.promethium.config.relabel;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.config.model.RelabelAction;
import io.promethium.config.model.RelabelConfig;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table tests per action; cases follow Prometheus's documented semantics and its relabel_test.go behaviours. */
class RelabelerTest {

    private static RelabelConfig step(RelabelAction action, List<String> sources, String regex, String target, String replacement) {
        return new RelabelConfig(sources, ";", regex, RelabelConfig.compile(regex), 0, target, replacement, action);
    }

    private static RelabelConfig hashmod(List<String> sources, long modulus, String target) {
        return new RelabelConfig(sources, ";", "(.*)", RelabelConfig.compile("(.*)"), modulus, target, "$1", RelabelAction.HASHMOD);
    }

    private static Arguments row(String name, RelabelConfig step, Labels in, Labels expected) {
        return Arguments.of(name, List.of(step), in, expected);
    }

    static Stream<Arguments> cases() {
        Labels abc = Labels.of("a", "foo", "b", "bar", "c", "baz");
        return Stream.of(
                row("replace copies a captured group into the target",
                        step(RelabelAction.REPLACE, List.of("a"), "f(.*)", "d", "ch${1}-ch${1}"),
                        abc, Labels.of("a", "foo", "b", "bar", "c", "baz", "d", "choo-choo")),
                row("replace joins several sources with the separator",
                        step(RelabelAction.REPLACE, List.of("a", "b"), "f(.*);(.*)r", "a", "b${1}${2}m"),
                        abc, Labels.of("a", "boobam", "b", "bar", "c", "baz")),
                row("replace leaves labels alone when the regex does not match the whole value",
                        step(RelabelAction.REPLACE, List.of("a"), "o", "d", "x"),
                        abc, abc),
                row("replace with an empty result deletes the target label",
                        step(RelabelAction.REPLACE, List.of("z"), "(.*)", "a", "$1"),
                        abc, Labels.of("b", "bar", "c", "baz")),
                row("replace with a missing source label matches the empty string",
                        step(RelabelAction.REPLACE, List.of("missing"), "", "d", "empty"),
                        Labels.of("a", "x"), Labels.of("a", "x", "d", "empty")),
                row("replace expands groups in the target label name",
                        step(RelabelAction.REPLACE, List.of("a"), "(f).*", "name_${1}", "v"),
                        Labels.of("a", "foo"), Labels.of("a", "foo", "name_f", "v")),
                row("replace with a target that expands to nothing is skipped",
                        step(RelabelAction.REPLACE, List.of("a"), "(f).*", "${2}", "v"),
                        Labels.of("a", "foo"), Labels.of("a", "foo")),
                row("replace takes named groups",
                        step(RelabelAction.REPLACE, List.of("a"), "(?<first>.)(?<rest>.*)", "d", "${rest}$first"),
                        Labels.of("a", "foo"), Labels.of("a", "foo", "d", "oof")),
                row("a bare $1x is the group named 1x and expands to nothing, $$ is a dollar",
                        step(RelabelAction.REPLACE, List.of("a"), "(.*)", "d", "$1x|$$|${1}x|$"),
                        Labels.of("a", "foo"), Labels.of("a", "foo", "d", "|$|foox|$")),
                row("the regex is anchored on both ends",
                        step(RelabelAction.REPLACE, List.of("a"), "oo", "d", "x"),
                        Labels.of("a", "foo"), Labels.of("a", "foo")),
                row("keep keeps a matching label set",
                        step(RelabelAction.KEEP, List.of("a"), "f.*", "", "$1"),
                        abc, abc),
                row("keep drops a label set that does not match",
                        step(RelabelAction.KEEP, List.of("a"), "b.*", "", "$1"),
                        abc, null),
                row("keep with an absent source label compares the empty string",
                        step(RelabelAction.KEEP, List.of("nope"), ".*", "", "$1"),
                        abc, abc),
                row("drop drops a matching label set",
                        step(RelabelAction.DROP, List.of("a"), "f.*", "", "$1"),
                        abc, null),
                row("drop keeps a label set that does not match",
                        step(RelabelAction.DROP, List.of("a"), "x", "", "$1"),
                        abc, abc),
                row("keepequal keeps when source equals target",
                        step(RelabelAction.KEEPEQUAL, List.of("a"), "(.*)", "d", "$1"),
                        Labels.of("a", "foo", "d", "foo"), Labels.of("a", "foo", "d", "foo")),
                row("keepequal drops when source and target differ",
                        step(RelabelAction.KEEPEQUAL, List.of("a"), "(.*)", "b", "$1"),
                        abc, null),
                row("dropequal drops when source equals target",
                        step(RelabelAction.DROPEQUAL, List.of("a"), "(.*)", "d", "$1"),
                        Labels.of("a", "foo", "d", "foo"), null),
                row("dropequal keeps when they differ",
                        step(RelabelAction.DROPEQUAL, List.of("a"), "(.*)", "b", "$1"),
                        abc, abc),
                row("hashmod writes md5(value) mod modulus like Prometheus",
                        hashmod(List.of("c"), 1000, "d"),
                        Labels.of("a", "foo", "b", "bar", "c", "baz"),
                        Labels.of("a", "foo", "b", "bar", "c", "baz", "d", "976")),
                row("labelmap copies matching labels under the expanded name",
                        step(RelabelAction.LABELMAP, List.of(), "__meta_(.+)", "", "$1"),
                        Labels.of("__meta_zone", "eu", "__meta_rack", "r1", "a", "x"),
                        Labels.of("__meta_zone", "eu", "__meta_rack", "r1", "a", "x", "zone", "eu", "rack", "r1")),
                row("labelmap with a fixed replacement maps every match onto one name",
                        step(RelabelAction.LABELMAP, List.of(), "(b.*)", "", "${1}_renamed"),
                        abc, Labels.of("a", "foo", "b", "bar", "c", "baz", "b_renamed", "bar")),
                row("labeldrop removes labels whose name matches",
                        step(RelabelAction.LABELDROP, List.of(), "[ab]", "", "$1"),
                        abc, Labels.of("c", "baz")),
                row("labelkeep removes labels whose name does not match",
                        step(RelabelAction.LABELKEEP, List.of(), "[ab]", "", "$1"),
                        abc, Labels.of("a", "foo", "b", "bar")),
                row("lowercase writes the lower-cased source into the target",
                        step(RelabelAction.LOWERCASE, List.of("a", "b"), "(.*)", "d", "$1"),
                        Labels.of("a", "FoO", "b", "BAR"), Labels.of("a", "FoO", "b", "BAR", "d", "foo;bar")),
                row("uppercase writes the upper-cased source into the target",
                        step(RelabelAction.UPPERCASE, List.of("a"), "(.*)", "a", "$1"),
                        Labels.of("a", "FoO"), Labels.of("a", "FOO")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void appliesActionWithPrometheusSemantics(String name, List<RelabelConfig> steps, Labels in, Labels expected) {
        assertThat(new Relabeler(steps).process(in)).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void stepsApplyInOrderAndStopAtTheFirstDrop() {
        Relabeler relabeler = new Relabeler(List.of(
                step(RelabelAction.REPLACE, List.of("a"), "(.*)", "b", "${1}"),
                step(RelabelAction.DROP, List.of("b"), "foo", "", "$1"),
                step(RelabelAction.REPLACE, List.of(), "(.*)", "never", "set")));
        assertThat(relabeler.process(Labels.of("a", "foo"))).isNull();
        assertThat(relabeler.process(Labels.of("a", "bar"))).isEqualTo(Labels.of("a", "bar", "b", "bar", "never", "set"));
    }

    @org.junit.jupiter.api.Test
    void hashmodUsesTheLastEightBytesOfTheMd5DigestUnsigned() {
        // Expected values from md5 computed outside Java (python hashlib), last 8 bytes big-endian.
        assertThat(HashMod.of("baz", 1000)).isEqualTo(976);
        assertThat(HashMod.of("10.0.0.1:9100", 7)).isEqualTo(2);
    }
}

package io.promethium.api.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesSetTest {

    private static Series series(String name) {
        return new Series() {
            @Override
            public Labels labels() {
                return Labels.of("__name__", name);
            }

            @Override
            public SampleIterator iterator(SampleIterator reuse) {
                throw new UnsupportedOperationException();
            }
        };
    }

    private static List<String> names(SeriesSet set) {
        List<String> names = new ArrayList<>();
        while (set.next()) {
            names.add(set.at().labels().metricName());
        }
        return names;
    }

    @Test
    void withResolutionChangesTheResolutionAndForwardsTheRest() {
        IllegalStateException failure = new IllegalStateException("disk");
        SeriesSet source = new ForwardingSeriesSet(SeriesSet.ofList(List.of(series("a"), series("b")), List.of("w"))) {
            @Override
            public Throwable error() {
                return failure;
            }
        };
        SeriesSet set = SeriesSet.withResolution(source, 300_000);
        assertThat(names(set)).containsExactly("a", "b");
        assertThat(set.resolution()).isEqualTo(300_000);
        assertThat(set.warnings()).containsExactly("w");
        assertThat(set.error()).isSameAs(failure);
    }

    @Test
    void ofListWithWarningsKeepsACopyOfThemAndTheListsOrder() {
        List<String> warnings = new ArrayList<>(List.of("partial"));
        SeriesSet set = SeriesSet.ofList(List.of(series("b"), series("a")), warnings);
        warnings.add("later");
        assertThat(names(set)).containsExactly("b", "a");
        assertThat(set.warnings()).containsExactly("partial");
        assertThat(set.error()).isNull();
        assertThat(set.resolution()).isEqualTo(SelectHints.RAW);
    }

    @Test
    void toListGivesTheSeriesNotYetReadAndEndsTheIteration() {
        SeriesSet set = SeriesSet.withResolution(SeriesSet.ofList(List.of(series("a"), series("b"), series("c"))), 0);
        assertThat(set.next()).isTrue();
        assertThat(set.toList()).extracting(s -> s.labels().metricName()).containsExactly("b", "c");
        assertThat(set.next()).isFalse();
    }

    /** A method SeriesSet gains fails this test until the base forwards it. */
    @Test
    void theBaseForwardsEveryInstanceMethodOfSeriesSet() throws NoSuchMethodException {
        List<String> notForwarded = new ArrayList<>();
        for (Method m : SeriesSet.class.getMethods()) {
            if (!Modifier.isStatic(m.getModifiers())
                    && ForwardingSeriesSet.class.getMethod(m.getName(), m.getParameterTypes()).getDeclaringClass() != ForwardingSeriesSet.class) {
                notForwarded.add(m.getName());
            }
        }
        assertThat(notForwarded).isEmpty();
    }
}

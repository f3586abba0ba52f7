package io.promethium.tsdb.internal.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class MergeSampleIteratorTest {

    private static SampleIterator of(long... tsAndValues) {
        long[] ts = new long[tsAndValues.length / 2];
        double[] vs = new double[ts.length];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = tsAndValues[2 * i];
            vs[i] = tsAndValues[2 * i + 1];
        }
        return new ArraySampleIterator(ts, vs, ts.length, Long.MIN_VALUE, Long.MAX_VALUE, null);
    }

    private static List<String> drain(SampleIterator it) {
        List<String> out = new ArrayList<>();
        while (it.next()) {
            out.add(it.timestamp() + "=" + (long) it.value());
        }
        return out;
    }

    /** A block's iterator as far as reuse goes: reset in place when handed back, counted when made. */
    private static final class Reusable implements SampleIterator {
        static int made;
        private long[] ts;
        private int at;

        Reusable(long[] ts) {
            made++;
            reset(ts);
        }

        Reusable reset(long[] ts) {
            this.ts = ts;
            this.at = -1;
            return this;
        }

        @Override
        public boolean next() {
            return ++at < ts.length;
        }

        @Override
        public boolean seek(long t) {
            if (at < 0) {
                at = 0;
            }
            while (at < ts.length && ts[at] < t) {
                at++;
            }
            return at < ts.length;
        }

        @Override
        public long timestamp() {
            return ts[at];
        }

        @Override
        public double value() {
            return ts[at] * 10;
        }

        @Override
        public ValueType valueType() {
            return ValueType.FLOAT;
        }

        @Override
        public Throwable error() {
            return null;
        }
    }

    private static Series part(long... ts) {
        return new ListSeries(Labels.of("__name__", "m"), reuse -> reuse instanceof Reusable r ? r.reset(ts) : new Reusable(ts));
    }

    @Test
    void aMergeHandedBackIsReusedWithItsSourcesAndStartsAfresh() {
        SampleIterator first = MergeSampleIterator.over(new Series[] {part(1, 3, 5), part(2, 4, 6)}, null);
        assertThat(first.seek(4)).isTrue();
        assertThat(first.timestamp()).isEqualTo(4);
        int made = Reusable.made;
        SampleIterator second = MergeSampleIterator.over(new Series[] {part(10, 30), part(20, 30, 40)}, first);
        assertThat(second).isSameAs(first);
        assertThat(Reusable.made).isEqualTo(made);
        assertThat(drain(second)).containsExactly("10=100", "20=200", "30=300", "40=400");
        // Read to its end, then reused again: it starts from the new series' first sample.
        SampleIterator third = MergeSampleIterator.over(new Series[] {part(7), part(8)}, second);
        assertThat(drain(third)).containsExactly("7=70", "8=80");
        // A merge of another number of parts is not reused.
        SampleIterator fourth = MergeSampleIterator.over(new Series[] {part(1), part(2), part(3)}, third);
        assertThat(fourth).isNotSameAs(third);
        assertThat(drain(fourth)).containsExactly("1=10", "2=20", "3=30");
    }

    @Test
    void interleavedSourcesComeOutInTimeOrderAndTheEarlierSourceWinsTies() {
        SampleIterator merged = new MergeSampleIterator(new SampleIterator[] {of(1, 10, 3, 30, 5, 50), of(2, 20, 3, 99, 4, 40, 6, 60)});
        assertThat(drain(merged)).containsExactly("1=10", "2=20", "3=30", "4=40", "5=50", "6=60");
    }

    @Test
    void consecutiveSourcesAreChained() {
        SampleIterator merged = new MergeSampleIterator(new SampleIterator[] {of(1, 1, 2, 2), of(), of(3, 3, 4, 4), of(5, 5)});
        assertThat(drain(merged)).containsExactly("1=1", "2=2", "3=3", "4=4", "5=5");
    }

    @Test
    void seekSkipsAcrossSourcesAndNeverMovesBack() {
        SampleIterator merged = new MergeSampleIterator(new SampleIterator[] {of(1, 1, 2, 2, 7, 7), of(3, 3, 4, 4, 9, 9)});
        assertThat(merged.seek(4)).isTrue();
        assertThat(merged.timestamp()).isEqualTo(4);
        assertThat(merged.seek(2)).isTrue();
        assertThat(merged.timestamp()).isEqualTo(4);
        assertThat(merged.next()).isTrue();
        assertThat(merged.timestamp()).isEqualTo(7);
        assertThat(merged.seek(8)).isTrue();
        assertThat(merged.timestamp()).isEqualTo(9);
        assertThat(merged.next()).isFalse();
    }

    @Test
    void anyMixOfNextSeekAndRunsOverOverlappingSourcesGivesTheMergedSamplesInOrder() {
        Random random = new Random(3);
        for (int round = 0; round < 200; round++) {
            int count = 1 + random.nextInt(4);
            SampleIterator[] sources = new SampleIterator[count];
            // The merged series: on a timestamp several sources hold, the first source's value.
            TreeMap<Long, Long> expected = new TreeMap<>();
            for (int s = 0; s < count; s++) {
                long start = random.nextInt(50);
                long span = random.nextBoolean() ? 10 : 60;
                List<Long> flat = new ArrayList<>();
                for (long t = start; t < start + span; t += 1 + random.nextInt(3)) {
                    flat.add(t);
                    flat.add(t * 10 + s);
                    expected.putIfAbsent(t, t * 10 + s);
                }
                sources[s] = of(flat.stream().mapToLong(Long::longValue).toArray());
            }
            List<Long> times = new ArrayList<>(expected.keySet());
            MergeSampleIterator merged = new MergeSampleIterator(sources);
            int at = -1;
            long[] ts = new long[8];
            double[] vs = new double[8];
            while (true) {
                int op = random.nextInt(3);
                if (op == 0) {
                    boolean has = merged.next();
                    at++;
                    assertThat(has).as("round %d: next at %d", round, at).isEqualTo(at < times.size());
                } else if (op == 1) {
                    long target = (at < 0 ? 0 : times.get(Math.min(at, times.size() - 1))) + random.nextInt(6) - 1;
                    boolean has = merged.seek(target);
                    int first = at < 0 ? 0 : at;
                    while (first < times.size() && times.get(first) < target) {
                        first++;
                    }
                    at = first;
                    assertThat(has).as("round %d: seek %d", round, target).isEqualTo(at < times.size());
                } else {
                    if (at < 0 || at >= times.size()) {
                        continue;
                    }
                    long maxT = times.get(at) + random.nextInt(8);
                    int r = merged.readFloats(maxT, ts, vs, 0, ts.length);
                    int n = r < 0 ? ~r : r;
                    for (int i = 0; i < n; i++) {
                        assertThat(ts[i]).as("round %d: run sample %d", round, i).isEqualTo(times.get(at + i));
                        assertThat((long) vs[i]).isEqualTo(expected.get(ts[i]));
                    }
                    at += n;
                    // A run that ends before the series' end leaves the iterator on the first sample it did not copy.
                    assertThat(r < 0).as("round %d: the run ended the series", round).isEqualTo(at == times.size());
                }
                if (at >= times.size()) {
                    break;
                }
                if (at >= 0) {
                    assertThat(merged.timestamp()).as("round %d", round).isEqualTo(times.get(at));
                    assertThat((long) merged.value()).isEqualTo(expected.get(times.get(at)));
                }
            }
        }
    }
}

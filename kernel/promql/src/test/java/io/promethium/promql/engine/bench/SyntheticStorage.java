package io.promethium.promql.engine.bench;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.Queryable;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;

import java.util.ArrayList;
import java.util.List;

/**
 * A storage whose samples are computed, not stored: regular samples every {@code interval} ms
 * from 0 to {@code end}, counter-like values. It keeps the benchmark about the engine (a
 * stored day of 10,000 series would be a gigabyte) while the engine still reads every sample
 * through the {@link SampleIterator} SPI.
 */
final class SyntheticStorage implements Queryable {
    private final List<Labels> series;
    private final long interval;
    private final long end;

    SyntheticStorage(List<Labels> series, long interval, long end) {
        this.series = List.copyOf(series);
        this.interval = interval;
        this.end = end;
    }

    @Override
    public Querier querier(long minTime, long maxTime) {
        return new Querier() {
            @Override
            public SeriesSet select(boolean sorted, SelectHints hints, List<Matcher> matchers) {
                List<Series> out = new ArrayList<>();
                for (int i = 0; i < series.size(); i++) {
                    Labels l = series.get(i);
                    boolean ok = true;
                    for (Matcher m : matchers) {
                        if (!m.matches(l.get(m.name()))) {
                            ok = false;
                            break;
                        }
                    }
                    if (ok) {
                        int seed = i;
                        long from = Math.max(0, minTime);
                        long to = Math.min(end, maxTime);
                        out.add(new Series() {
                            @Override
                            public Labels labels() {
                                return l;
                            }

                            @Override
                            public SampleIterator iterator(SampleIterator reuse) {
                                return new Iter(seed, from, to);
                            }
                        });
                    }
                }
                return SeriesSet.ofList(out);
            }

            @Override
            public List<String> labelValues(String name, List<Matcher> matchers) {
                return List.of();
            }

            @Override
            public List<String> labelNames(List<Matcher> matchers) {
                return List.of();
            }

            @Override
            public void close() {
            }
        };
    }

    private final class Iter implements SampleIterator {
        private final int seed;
        private final long last;
        private long index;

        Iter(int seed, long from, long to) {
            this.seed = seed;
            this.index = (from + interval - 1) / interval - 1;
            this.last = to / interval;
        }

        @Override
        public boolean next() {
            if (index <= last) {
                index++;
            }
            return index <= last;
        }

        @Override
        public boolean seek(long t) {
            long target = (t + interval - 1) / interval;
            if (target > index) {
                index = target;
            }
            if (index < 0) {
                index = 0;
            }
            return index <= last;
        }

        @Override
        public long timestamp() {
            return index * interval;
        }

        @Override
        public double value() {
            return index * (1 + (seed & 7)) + ((index * 31 + seed) & 3);
        }
    }
}

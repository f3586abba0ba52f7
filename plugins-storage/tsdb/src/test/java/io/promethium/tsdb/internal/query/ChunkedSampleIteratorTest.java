package io.promethium.tsdb.internal.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.chunks.ChunkIterator;
import io.promethium.chunks.XorAppender;
import io.promethium.chunks.XorIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkedSampleIteratorTest {

    /** Chunks of 20 samples held in memory, as a block's or the head's iterator reads theirs. */
    private static final class InMemory extends ChunkedSampleIterator {
        private final List<byte[]> chunks = new ArrayList<>();
        private final List<long[]> bounds = new ArrayList<>();

        InMemory(long[] ts, long mint, long maxt, long[] deleted) {
            for (int from = 0; from < ts.length; from += 20) {
                XorAppender app = new XorAppender(64);
                int to = Math.min(ts.length, from + 20);
                for (int i = from; i < to; i++) {
                    app.append(ts[i], ts[i] * 2);
                }
                chunks.add(app.toByteArray());
                bounds.add(new long[] {ts[from], ts[to - 1]});
            }
            init(mint, maxt, deleted);
        }

        @Override
        protected int chunkCount() {
            return chunks.size();
        }

        @Override
        protected long chunkMinTime(int index) {
            return bounds.get(index)[0];
        }

        @Override
        protected long chunkMaxTime(int index) {
            return bounds.get(index)[1];
        }

        @Override
        protected ChunkIterator openChunk(int index, ChunkIterator reuse) {
            XorIterator it = reuse instanceof XorIterator x ? x : new XorIterator();
            byte[] bytes = chunks.get(index);
            it.reset(bytes, 0, bytes.length, XorIterator.headerCount(bytes, 0));
            return it;
        }
    }

    @Test
    void seeksInsideAndAcrossChunksLandOnTheFirstSampleAtOrAfterTheTargetWithinBoundsAndOutsideDeletions() {
        Random random = new Random(7);
        for (int round = 0; round < 300; round++) {
            int count = 1 + random.nextInt(90);
            long[] ts = new long[count];
            long t = random.nextInt(100);
            for (int i = 0; i < count; i++) {
                t += 1 + random.nextInt(20);
                ts[i] = t;
            }
            long mint = random.nextBoolean() ? Long.MIN_VALUE : ts[random.nextInt(count)] - random.nextInt(3);
            long maxt = random.nextBoolean() ? Long.MAX_VALUE : ts[random.nextInt(count)] + random.nextInt(3);
            long[] deleted = null;
            if (random.nextInt(3) == 0) {
                long from = ts[random.nextInt(count)];
                deleted = new long[] {from, from + random.nextInt(60)};
            }
            List<Long> visible = new ArrayList<>();
            for (long x : ts) {
                boolean gone = deleted != null && x >= deleted[0] && x <= deleted[1];
                if (x >= mint && x <= maxt && !gone) {
                    visible.add(x);
                }
            }
            InMemory it = new InMemory(ts, mint, maxt, deleted);
            int at = -1;
            long target = ts[0] - 5;
            while (true) {
                boolean has;
                if (random.nextInt(3) == 0) {
                    has = it.next();
                    at++;
                } else {
                    target = Math.max(target, at >= 0 && at < visible.size() ? visible.get(at) : target) + random.nextInt(40) - 5;
                    has = it.seek(target);
                    int first = Math.max(at, 0);
                    while (first < visible.size() && visible.get(first) < target) {
                        first++;
                    }
                    at = first;
                }
                assertThat(has).as("round %d at %d", round, at).isEqualTo(at < visible.size());
                if (!has) {
                    break;
                }
                assertThat(it.timestamp()).as("round %d", round).isEqualTo(visible.get(at));
                assertThat(it.value()).isEqualTo(visible.get(at) * 2.0);
            }
        }
    }
}

package io.promethium.scrape.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrontCodedKeysTest {

    /** Keys as a page lists them: families of series sharing a name and labels, some long (two-byte lengths). */
    private static List<byte[]> page(Random random, int count) {
        List<byte[]> keys = new ArrayList<>();
        while (keys.size() < count) {
            String family = "family_" + random.nextInt(1_000) + "_" + "x".repeat(random.nextInt(3) == 0 ? 150 : random.nextInt(10));
            int series = 1 + random.nextInt(40);
            for (int s = 0; s < series && keys.size() < count; s++) {
                String key = random.nextInt(20) == 0 ? family
                        : family + "{le=\"" + s + "\",mode=\"" + "m".repeat(random.nextInt(4)) + "\"}";
                keys.add(key.getBytes(StandardCharsets.UTF_8));
            }
        }
        return keys;
    }

    private static FrontCodedKeys of(List<byte[]> keys) {
        FrontCodedKeys coded = new FrontCodedKeys(0, 0);
        for (byte[] k : keys) {
            coded.append(k, 0, k.length);
        }
        return coded;
    }

    /** Whether the key at position is this one, by both cursors, given in a buffer at an offset as a page would. */
    private static boolean matches(FrontCodedKeys coded, int position, byte[] key, boolean walk) {
        byte[] buf = new byte[key.length + 7];
        System.arraycopy(key, 0, buf, 3, key.length);
        return walk ? coded.walkMatches(position, buf, 3, key.length, false) : coded.probeMatches(position, buf, 3, key.length);
    }

    @Test
    void everyKeyIsReadBackInPageOrderAndAtRandomAndNoOtherMatches() {
        Random random = new Random(7);
        List<byte[]> keys = page(random, 2_000);
        FrontCodedKeys coded = of(keys);
        assertThat(coded.count()).isEqualTo(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            assertThat(matches(coded, i, keys.get(i), true)).as("walk at %d", i).isTrue();
        }
        for (int n = 0; n < 5_000; n++) {
            int i = random.nextInt(keys.size());
            int j = random.nextInt(keys.size());
            assertThat(matches(coded, i, keys.get(i), false)).as("probe at %d", i).isTrue();
            assertThat(coded.hash(i)).isEqualTo(SeriesCache.hash(keys.get(i), 0, keys.get(i).length));
            if (!java.util.Arrays.equals(keys.get(i), keys.get(j))) {
                assertThat(matches(coded, i, keys.get(j), n % 2 == 0)).as("key %d at %d", j, i).isFalse();
            }
        }
        assertThat(matches(coded, keys.size(), keys.get(0), true)).as("past the end").isFalse();
    }

    @Test
    void aWalkDownAPageMatchesItsKeysAndOnlyThemWhereverThePageLeavesTheOrder() {
        Random random = new Random(5);
        List<byte[]> keys = page(random, 1_000);
        FrontCodedKeys coded = of(keys);
        for (int round = 0; round < 20; round++) {
            // The page: the keys, some replaced by others (a changed label value, a shorter or longer key).
            List<byte[]> page = new ArrayList<>(keys);
            java.util.Set<Integer> changed = new java.util.HashSet<>();
            for (int n = 0; n < round * 3; n++) {
                int i = random.nextInt(page.size());
                byte[] k = page.get(i).clone();
                int how = random.nextInt(3);
                byte[] other = how == 0 ? java.util.Arrays.copyOf(k, k.length - 1)
                        : how == 1 ? java.util.Arrays.copyOf(k, k.length + 1) : k;
                other[random.nextInt(other.length)] ^= 1;
                page.set(i, other);
                changed.add(i);
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            int[] offsets = new int[page.size()];
            for (int i = 0; i < page.size(); i++) {
                offsets[i] = out.size();
                out.writeBytes(page.get(i));
                out.write('\n');
            }
            byte[] bytes = out.toByteArray();
            for (int i = 0; i < page.size(); i++) {
                boolean same = java.util.Arrays.equals(page.get(i), keys.get(i));
                assertThat(coded.walkMatches(i, bytes, offsets[i], page.get(i).length, true))
                        .as("round %d, position %d (changed: %s)", round, i, changed.contains(i)).isEqualTo(same);
            }
            coded.endWalk();
        }
    }

    @Test
    void keysSharingTheirStartTakeLessThanHalfTheirBytes() {
        List<byte[]> keys = new ArrayList<>();
        long raw = 0;
        for (int cpu = 0; cpu < 64; cpu++) {
            for (String mode : List.of("idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user")) {
                byte[] k = ("node_cpu_seconds_total{cpu=\"" + cpu + "\",mode=\"" + mode + "\"}").getBytes(StandardCharsets.UTF_8);
                keys.add(k);
                raw += k.length;
            }
        }
        assertThat((long) of(keys).byteLength()).isLessThan(raw / 2);
    }

    @Test
    void aPrefixCopyAndATruncationKeepTheirKeysAndTakeMoreOnTheEnd() {
        Random random = new Random(11);
        List<byte[]> keys = page(random, 300);
        List<byte[]> more = page(random, 50);
        for (int keep : new int[] {0, 1, 15, 16, 17, 160, 299}) {
            FrontCodedKeys copy = of(keys).prefix(keep, 0, 0);
            FrontCodedKeys cut = of(keys);
            cut.truncate(keep);
            for (FrontCodedKeys k : List.of(copy, cut)) {
                for (byte[] m : more) {
                    k.append(m, 0, m.length);
                }
                assertThat(k.count()).isEqualTo(keep + more.size());
                for (int i = 0; i < keep; i++) {
                    assertThat(matches(k, i, keys.get(i), true)).as("kept %d of %d", i, keep).isTrue();
                }
                for (int i = 0; i < more.size(); i++) {
                    assertThat(matches(k, keep + i, more.get(i), false)).as("added %d after %d", i, keep).isTrue();
                }
            }
        }
        FrontCodedKeys all = of(keys);
        FrontCodedKeys trimmed = all.prefix(all.count(), 1 << 20, 1 << 16).trimmed();
        assertThat(trimmed.ramBytesUsed()).isLessThan(1 << 19);
        assertThat(matches(trimmed, 299, keys.get(299), true)).isTrue();
    }
}

package io.promethium.push.internal;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Push throughput, in-process (no HTTP): parse + checks + store for a body of {@code series}
 * counter series, into a store already holding {@code groups} groups of the same family; then
 * the page rendering of the whole store. Prints thread-CPU per push and per series.
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat target/bench.cp) io.promethium.push.internal.PushBenchmark 1000 1000 2000
 * </pre>
 * args: groups, series per push, measured pushes.
 */
public final class PushBenchmark {

    private PushBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int groups = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int series = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int pushes = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        StringBuilder sb = new StringBuilder("# HELP bench_total A counter.\n# TYPE bench_total counter\n");
        for (int i = 0; i < series; i++) {
            sb.append("bench_total{shard=\"").append(i).append("\",path=\"/api/v1/items/").append(i % 37).append("\"} ").append(i * 3.5).append('\n');
        }
        byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
        GroupStore store = new GroupStore(new GroupStore.Limits(groups + 10, series * 2), GroupStore::wallClockNanos);
        var bean = ManagementFactory.getThreadMXBean();
        for (int g = 0; g < groups; g++) {
            store.push(GroupingKey.of("job", "bench", "instance", "i" + g), TextBodyParser.parse(body, body.length), true, 0);
        }
        for (int round = 0; round < 2; round++) {
            long cpu0 = bean.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            for (int p = 0; p < pushes; p++) {
                GroupingKey key = GroupingKey.of("job", "bench", "instance", "i" + (p % groups));
                store.push(key, TextBodyParser.parse(body, body.length), p % 2 == 0, 0);
            }
            long cpu = bean.getCurrentThreadCpuTime() - cpu0;
            long wall = System.nanoTime() - t0;
            System.out.printf("%s: %d pushes of %d series into %d groups: %.1f us CPU/push, %.2f us CPU/series, %.0f pushes/s wall%n",
                    round == 0 ? "warm-up" : "measured", pushes, series, groups, cpu / 1e3 / pushes, cpu / 1e3 / pushes / series,
                    pushes / (wall / 1e9));
        }
        long cpu0 = bean.getCurrentThreadCpuTime();
        TestGroupFile.StringBuilderWriter out = new TestGroupFile.StringBuilderWriter();
        PushedPage.write(PushedPage.gather(store.groups()), out);
        long cpu = bean.getCurrentThreadCpuTime() - cpu0;
        System.out.printf("page of %d groups x %d series (%.1f MB): %.0f ms CPU%n", groups, series, out.toString().length() / 1e6, cpu / 1e6);
        System.out.println(Map.of("heapUsedMB", (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20));
    }
}

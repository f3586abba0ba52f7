package io.promethium.exposition;

import io.promethium.api.model.Labels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Parse throughput of the largest exposition page, single-threaded, per CPU-second of the thread: MB/s and samples/s for the
 * scrape hot path (next, series bytes, value, timestamp: what a series-cache hit needs) and for
 * the cache-miss path that also builds labels. Prints figures; asserts nothing.
 *
 * <p>Run after {@code mvn -pl kernel/lib/exposition test-compile}:
 * {@code java -cp kernel/lib/exposition/target/classes:kernel/lib/exposition/target/test-classes:$HOME/.m2/repository/io/promethium/promethium-api/0.1.0-SNAPSHOT/promethium-api-0.1.0-SNAPSHOT.jar io.promethium.exposition.ParseThroughputBenchmark [seconds-per-round [page-file]]}
 */
public final class ParseThroughputBenchmark {

    private ParseThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2.0;
        Path dir = Conformance.root().resolve("exposition");
        Path largest;
        if (args.length > 1) {
            largest = dir.resolve(args[1]);
        } else {
            try (var files = Files.list(dir)) {
                largest = files.max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length())).orElseThrow();
            }
        }
        byte[] page = Files.readAllBytes(largest);
        ExpositionFormat format = largest.toString().endsWith(".om.txt")
                ? ExpositionFormat.OPENMETRICS_TEXT_1_0_0 : ExpositionFormat.PROMETHEUS_TEXT_0_0_4;
        System.out.printf("page %s: %d bytes, %d samples, format %s%n", largest.getFileName(), page.length,
                hotPath(format, page), format.protocol());
        report("hot path (series bytes + value + timestamp)", format, page, seconds, false);
        report("with labels built for every sample", format, page, seconds, true);
        if (!format.isOpenMetrics()) {
            byte[] openMetrics = toOpenMetrics(format, page);
            System.out.printf("same page rewritten as OpenMetrics 1.0: %d bytes%n", openMetrics.length);
            report("OpenMetrics hot path", ExpositionFormat.OPENMETRICS_TEXT_1_0_0, openMetrics, seconds, false);
        }
    }

    /** The page re-rendered by the OpenMetrics writer, to measure that parser on the same content. */
    private static byte[] toOpenMetrics(ExpositionFormat format, byte[] page) throws ExpositionException {
        java.io.StringWriter out = new java.io.StringWriter();
        ExpositionWriter writer = ExpositionFormat.OPENMETRICS_TEXT_1_0_0.newWriter(out);
        ExpositionParser parser = format.newParser(page, 0, page.length);
        ExpositionParser.Entry entry;
        while ((entry = parser.next()) != ExpositionParser.Entry.EOF) {
            if (entry == ExpositionParser.Entry.TYPE) {
                writer.family(parser.metricFamilyName(), parser.type(), "", "");
            } else if (entry == ExpositionParser.Entry.SERIES) {
                Labels.Builder builder = Labels.builder();
                parser.labels(builder);
                Labels labels = builder.build();
                writer.sample(labels.metricName(), labels, parser.value());
            }
        }
        writer.finish();
        return out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void report(String what, ExpositionFormat format, byte[] page, double seconds, boolean labels)
            throws ExpositionException {
        // Warm-up rounds let the JIT settle; the median of the measured rounds is reported.
        for (int i = 0; i < 3; i++) {
            round(format, page, seconds / 2, labels);
        }
        double[] samplesPerSecond = new double[5];
        double[] bytesPerSecond = new double[5];
        for (int i = 0; i < samplesPerSecond.length; i++) {
            double[] r = round(format, page, seconds, labels);
            samplesPerSecond[i] = r[0];
            bytesPerSecond[i] = r[1];
        }
        Arrays.sort(samplesPerSecond);
        Arrays.sort(bytesPerSecond);
        System.out.printf("%-45s %8.1f MB/s %8.2f M samples/s (median of 5; range %.2f-%.2f M/s)%n", what,
                bytesPerSecond[2] / 1e6, samplesPerSecond[2] / 1e6, samplesPerSecond[0] / 1e6,
                samplesPerSecond[4] / 1e6);
    }

    private static double[] round(ExpositionFormat format, byte[] page, double seconds, boolean labels)
            throws ExpositionException {
        long budget = (long) (seconds * 1e9);
        // Thread CPU time, not wall time: figures are per core even when the machine is shared.
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long start = threads.getCurrentThreadCpuTime();
        long samples = 0;
        long bytes = 0;
        long sink = 0;
        long now;
        Labels.Builder builder = Labels.builder();
        do {
            samples += labels ? labelsPathCount(format, page, builder) : hotPathCount(format, page);
            bytes += page.length;
            now = threads.getCurrentThreadCpuTime();
        } while (now - start < budget);
        sink += samples;
        if (sink == 42) {
            System.out.print("");
        }
        double elapsed = (now - start) / 1e9;
        return new double[] {samples / elapsed, bytes / elapsed};
    }

    private static long hotPath(ExpositionFormat format, byte[] page) throws ExpositionException {
        return hotPathCount(format, page);
    }

    private static long labelsPathCount(ExpositionFormat format, byte[] page, Labels.Builder unused)
            throws ExpositionException {
        ExpositionParser parser = format.newParser(page, 0, page.length);
        long count = 0;
        long acc = 0;
        ExpositionParser.Entry entry;
        while ((entry = parser.next()) != ExpositionParser.Entry.EOF) {
            if (entry == ExpositionParser.Entry.SERIES) {
                Labels.Builder builder = Labels.builder();
                parser.labels(builder);
                acc += builder.build().size() + (long) parser.value();
                count++;
            }
        }
        return acc == Long.MIN_VALUE ? -1 : count;
    }

    private static long hotPathCount(ExpositionFormat format, byte[] page) throws ExpositionException {
        ExpositionParser parser = format.newParser(page, 0, page.length);
        long count = 0;
        long acc = 0;
        ExpositionParser.Entry entry;
        while ((entry = parser.next()) != ExpositionParser.Entry.EOF) {
            if (entry == ExpositionParser.Entry.SERIES) {
                count++;
                acc += parser.seriesOffset() + parser.seriesLength() + (long) parser.value();
                if (parser.hasTimestamp()) {
                    acc += parser.timestamp();
                }
            }
        }
        return acc == Long.MIN_VALUE ? -1 : count;
    }
}

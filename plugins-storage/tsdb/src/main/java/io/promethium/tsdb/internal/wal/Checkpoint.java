package io.promethium.tsdb.internal.wal;

import io.promethium.api.model.Labels;
import io.promethium.tsdb.WalCompression;
import io.promethium.tsdb.internal.fs.FileOpener;
import io.promethium.tsdb.internal.fs.Fsync;
import io.promethium.tsdb.internal.fs.WriteFailures;
import io.promethium.tsdb.internal.metrics.TsdbMetrics;
import io.promethium.tsdb.internal.util.GrowableBytes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * Folds the WAL up to a segment into a checkpoint directory holding only what the head still
 * needs: records of live series, samples at or after the head's new minimum time, tombstones
 * that still apply. Written to a temporary directory and renamed, so a crash leaves either the
 * old checkpoint or the new one.
 */
final class Checkpoint {
    private static final int FLUSH_SAMPLES = 8192;
    private static final int SERIES_RECORD = 32 << 10;

    private Checkpoint() {
    }

    static void create(Path walDir, int through, LongPredicate keepSeries, long mint, TsdbMetrics metrics, WalCompression compression,
            FileOpener opener) throws IOException {
        Path tmp = walDir.resolve(WalFiles.CHECKPOINT_PREFIX + WalFiles.segmentName(through) + ".tmp");
        // Attempts, as Prometheus counts them; failures are counted apart.
        metrics.checkpointsCreated.increment();
        try {
            write(walDir, tmp, through, keepSeries, mint, metrics, compression, opener);
        } catch (IOException | java.io.UncheckedIOException e) {
            IOException failure = e instanceof java.io.UncheckedIOException u ? u.getCause() : (IOException) e;
            metrics.checkpointsFailed.increment();
            metrics.writeFailures.failed(WriteFailures.Area.CHECKPOINT, tmp, failure);
            try {
                // A full disk is what failed it most often: give the space back now, not at the next start.
                Fsync.deleteRecursively(tmp);
            } catch (IOException again) {
                failure.addSuppressed(again);
            }
            throw failure;
        }
        metrics.writeFailures.succeeded(WriteFailures.Area.CHECKPOINT, tmp);
        finish(walDir, tmp, through, metrics, opener);
    }

    /** Writes the checkpoint into {@code tmp}, fsynced. */
    private static void write(Path walDir, Path tmp, int through, LongPredicate keepSeries, long mint, TsdbMetrics metrics,
            WalCompression compression, FileOpener opener) throws IOException {
        Fsync.deleteRecursively(tmp);
        Files.createDirectories(tmp);
        Path out = tmp.resolve(WalFiles.segmentName(0));
        try (FileChannel ch = opener.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                OutputStream os = Channels.newOutputStream(ch)) {
            Writer writer = new Writer(os, keepSeries, mint, compression);
            WalReader reader = new WalReader(new TsdbMetrics());
            int previous = WalFiles.lastCheckpoint(walDir);
            if (previous >= 0) {
                Path cp = WalFiles.checkpointDir(walDir, previous);
                for (int seg : WalFiles.segments(cp)) {
                    reader.readSegment(cp.resolve(WalFiles.segmentName(seg)), writer);
                }
            }
            for (int seg : WalFiles.segments(walDir)) {
                if (seg > previous && seg <= through) {
                    long bad = reader.readSegment(walDir.resolve(WalFiles.segmentName(seg)), writer);
                    if (bad >= 0) {
                        metrics.walCorruptions.increment();
                    }
                }
            }
            writer.flush();
            ch.force(true);
        }
    }

    /** Puts a written checkpoint in place, then drops the segments and the checkpoint it replaces. */
    private static void finish(Path walDir, Path tmp, int through, TsdbMetrics metrics, FileOpener opener) throws IOException {
        Path target = WalFiles.checkpointDir(walDir, through);
        opener.beforeRename(FileOpener.Written.CHECKPOINT, tmp);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        Fsync.dir(walDir);
        // Only now is it safe to drop what the checkpoint replaces.
        for (int seg : WalFiles.segments(walDir)) {
            if (seg <= through) {
                Files.deleteIfExists(walDir.resolve(WalFiles.segmentName(seg)));
            }
        }
        try (var s = Files.list(walDir)) {
            List<Path> old = s.filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith(WalFiles.CHECKPOINT_PREFIX) && !p.equals(target);
            }).toList();
            for (Path p : old) {
                Fsync.deleteRecursively(p);
            }
        }
    }

    /** Re-encodes the records worth keeping, batching samples. */
    private static final class Writer implements WalRecords.SeriesEntryCopier {
        private final OutputStream os;
        private final LongPredicate keep;
        private final long mint;
        private final WalRecords.Encoder enc = new WalRecords.Encoder();
        private final long[] refs = new long[FLUSH_SAMPLES];
        private final long[] ts = new long[FLUSH_SAMPLES];
        private final double[] vs = new double[FLUSH_SAMPLES];
        private final RecordCompressor compressor;
        private int n;
        /** Start timestamps kept, written just before the samples they belong to. */
        private long[] stRefs = new long[16];
        private long[] stTs = new long[16];
        private long[] stStarts = new long[16];
        private int stN;
        /** Where the open series record starts in the encoder, or -1. */
        private int seriesStart = -1;

        Writer(OutputStream os, LongPredicate keep, long mint, WalCompression compression) {
            this.os = os;
            this.keep = keep;
            this.mint = mint;
            this.compressor = compression == WalCompression.NONE ? null : new RecordCompressor(compression);
        }

        // Series records of dropped series are skipped undecoded, kept ones copied as they are:
        // decoding and re-encoding every label of every series record made a checkpoint under
        // churn allocate about a hundred megabytes at 100k series (ChurnCompactionBenchmark).
        @Override
        public boolean wantsSeries(long ref) {
            return keep.test(ref);
        }

        @Override
        public void seriesEntry(long ref, byte[] buf, int from, int to) {
            beginSeriesEntry();
            enc.bytes().writeBytes(buf, from, to - from);
            endSeriesEntry();
        }

        @Override
        public void series(long ref, Labels labels) {
            if (keep.test(ref)) {
                beginSeriesEntry();
                enc.seriesEntry(ref, labels);
                endSeriesEntry();
            }
        }

        private void beginSeriesEntry() {
            // Series share records of about SERIES_RECORD bytes: one record each would be
            // too small to compress and cost a header apiece.
            if (seriesStart < 0) {
                seriesStart = enc.bytes().length();
                enc.begin(WalRecords.SERIES);
            }
        }

        private void endSeriesEntry() {
            if (enc.bytes().length() - seriesStart > SERIES_RECORD) {
                endSeries();
                maybeFlush();
            }
        }

        private void endSeries() {
            if (seriesStart >= 0) {
                enc.end();
                seriesStart = -1;
            }
        }

        @Override
        public void sample(long ref, long t, double v) {
            if (t >= mint && keep.test(ref)) {
                refs[n] = ref;
                ts[n] = t;
                vs[n] = v;
                if (++n == FLUSH_SAMPLES) {
                    flushSamples();
                }
            }
        }

        @Override
        public void startTimestamp(long ref, long t, long start) {
            if (t >= mint && keep.test(ref)) {
                if (stN == stRefs.length) {
                    stRefs = java.util.Arrays.copyOf(stRefs, stN * 2);
                    stTs = java.util.Arrays.copyOf(stTs, stN * 2);
                    stStarts = java.util.Arrays.copyOf(stStarts, stN * 2);
                }
                stRefs[stN] = ref;
                stTs[stN] = t;
                stStarts[stN] = start;
                stN++;
            }
        }

        @Override
        public void tombstone(long ref, long tmin, long tmax) {
            if (tmax >= mint && keep.test(ref)) {
                endSeries();
                enc.begin(WalRecords.TOMBSTONES);
                enc.tombstone(ref, tmin, tmax);
                enc.end();
                maybeFlush();
            }
        }

        // Histograms, exemplars and metadata are written as they come, after the float samples read
        // before them, so a series' samples keep their order on replay.
        @Override
        public void histogram(long ref, long t, io.promethium.api.model.Histogram h) {
            if (t >= mint && keep.test(ref)) {
                flushSamples();
                enc.begin(WalRecords.HISTOGRAMS);
                enc.histogramEntry(ref, t, h);
                enc.end();
                maybeFlush();
            }
        }

        @Override
        public void floatHistogram(long ref, long t, io.promethium.api.model.FloatHistogram h) {
            if (t >= mint && keep.test(ref)) {
                flushSamples();
                enc.begin(WalRecords.FLOAT_HISTOGRAMS);
                enc.floatHistogramEntry(ref, t, h);
                enc.end();
                maybeFlush();
            }
        }

        @Override
        public void exemplar(long ref, io.promethium.api.model.Exemplar e) {
            if (e.timestamp() >= mint && keep.test(ref)) {
                endSeries();
                enc.begin(WalRecords.EXEMPLARS);
                enc.exemplarEntry(ref, e);
                enc.end();
                maybeFlush();
            }
        }

        @Override
        public void metadata(long ref, io.promethium.api.model.Metadata m) {
            if (keep.test(ref)) {
                endSeries();
                enc.begin(WalRecords.METADATA_FAMILY);
                enc.metadataEntry(ref, m);
                enc.end();
                maybeFlush();
            }
        }

        private void flushSamples() {
            endSeries();
            if (stN > 0) {
                // Before the samples (and histograms) that follow them in the log, as the head wrote them.
                enc.begin(WalRecords.START_TIMESTAMPS);
                for (int i = 0; i < stN; i++) {
                    enc.startTimestampEntry(stRefs[i], stTs[i], stStarts[i]);
                }
                enc.end();
                stN = 0;
            }
            if (n > 0) {
                enc.samples(refs, ts, vs, n);
                n = 0;
            }
            maybeFlush();
        }

        private void maybeFlush() {
            if (enc.bytes().length() > (1 << 20)) {
                write();
            }
        }

        private void write() {
            try {
                if (compressor == null) {
                    os.write(enc.bytes().array(), 0, enc.bytes().length());
                } else {
                    GrowableBytes out = compressor.compress(enc.bytes().array(), enc.bytes().length());
                    os.write(out.array(), 0, out.length());
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            enc.reset();
        }

        void flush() throws IOException {
            // Series records must precede the samples that name them: samples are buffered after series already written.
            flushSamples();
            write();
            os.flush();
        }
    }
}

package io.promethium.tsdb.internal.wal;

import io.promethium.tsdb.internal.metrics.TsdbMetrics;
import io.promethium.tsdb.internal.util.FormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;
import java.util.zip.CRC32C;

/**
 * Replays the WAL as {@link WalReader#replay} does (the newest checkpoint, then the segments after
 * it; at the first torn or corrupt record the segment is truncated there and later segments are
 * deleted), with the work spread over threads: a reader thread cuts the files into pieces of
 * whole records, decoding threads check and decode pieces (CRC, decompression, varints, label
 * strings) into {@link DecodedRecords}, and the calling thread hands the pieces to the consumer
 * in log order. Only entries before the first bad record reach the consumer.
 */
public final class WalReplay {
    private static final Logger LOG = Logger.getLogger(WalReplay.class.getName());
    private static final int MAX_RECORD = 256 << 20;
    /** Bytes of records per piece: small enough to spread a segment over the decoders, large enough to amortise the hand-offs. */
    private static final int PIECE = 512 << 10;

    /** Receives the decoded pieces, in log order, on the thread that called {@link #replay}. */
    public interface Consumer {
        void accept(DecodedRecords records);
    }

    /**
     * Told where the replay stands, in segments as Prometheus counts them for
     * {@code /api/v1/status/walreplay}; called on the thread that called {@link #replay}.
     */
    public interface Progress {
        Progress NONE = new Progress() {
            @Override
            public void started(int min, int max) {
            }

            @Override
            public void read(int segment) {
            }
        };

        /**
         * Before anything is read: {@code min} the checkpoint's segment (else the first segment,
         * 0 when there is none), {@code max} the segment a writer opens after the replay (one past
         * the last segment or checkpoint, as Prometheus's log opens it before replaying).
         */
        void started(int min, int max);

        /** A file read to its end: a segment, or a file of the checkpoint (as the checkpoint's segment). */
        void read(int segment);
    }

    private final TsdbMetrics metrics;
    private final int decoders;
    private final UnaryOperator<String> canonical;

    /**
     * {@code decoders}: decoding threads (at least 1); {@code canonical}: the label strings' canonical
     * instances (the head's symbols), applied once per distinct string met.
     */
    public WalReplay(TsdbMetrics metrics, int decoders, UnaryOperator<String> canonical) {
        this.metrics = metrics;
        this.decoders = Math.max(1, decoders);
        this.canonical = canonical;
    }

    /** A WAL file to read: a checkpoint's segment or a segment. */
    private record Source(Path path, boolean checkpoint, int segment) {
    }

    /** Records cut from a file, decoded by a decoding thread. */
    private static final class Piece {
        final int source;
        final long base;
        final byte[] buf;
        final int length;
        /** A torn or malformed frame right after this piece's records, at this file offset; or -1. */
        final long framingBad;
        /** The last piece of its file. */
        final boolean last;
        DecodedRecords decoded;

        Piece(int source, long base, byte[] buf, int length, long framingBad, boolean last) {
            this.source = source;
            this.base = base;
            this.buf = buf;
            this.length = length;
            this.framingBad = framingBad;
            this.last = last;
        }
    }

    /** What each decoding thread keeps. */
    private final class DecodeState {
        final RecordDecompressor inflater = new RecordDecompressor(MAX_RECORD);
        final SymbolCache labels = new SymbolCache(canonical);
        final SymbolCache texts = new SymbolCache(UnaryOperator.identity());
        final CRC32C crc = new CRC32C();
    }

    /** Replays everything; returns the index the next writer segment should use. */
    public int replay(Path dir, Consumer consumer) throws IOException {
        return replay(dir, consumer, Progress.NONE);
    }

    /** As {@link #replay(Path, Consumer)}, telling {@code progress} where it stands. */
    public int replay(Path dir, Consumer consumer, Progress progress) throws IOException {
        List<Source> sources = new ArrayList<>();
        int checkpoint = WalFiles.lastCheckpoint(dir);
        Path cp = checkpoint >= 0 ? WalFiles.checkpointDir(dir, checkpoint) : null;
        if (cp != null) {
            for (int seg : WalFiles.segments(cp)) {
                sources.add(new Source(cp.resolve(WalFiles.segmentName(seg)), true, seg));
            }
        }
        int firstSegment = -1;
        int lastSegment = -1;
        for (int seg : WalFiles.segments(dir)) {
            firstSegment = firstSegment < 0 ? seg : Math.min(firstSegment, seg);
            lastSegment = Math.max(lastSegment, seg);
            if (seg > checkpoint) {
                sources.add(new Source(dir.resolve(WalFiles.segmentName(seg)), false, seg));
            }
        }
        progress.started(checkpoint >= 0 ? checkpoint : Math.max(firstSegment, 0), Math.max(checkpoint, lastSegment) + 1);
        int next = checkpoint + 1;
        if (sources.isEmpty()) {
            return next;
        }
        BlockingQueue<CompletableFuture<Piece>> ordered = new ArrayBlockingQueue<>(2 * decoders + 2);
        BlockingQueue<DecodedRecords> free = new LinkedBlockingQueue<>();
        BlockingQueue<byte[]> buffers = new LinkedBlockingQueue<>();
        AtomicInteger threadIds = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(decoders, r -> {
            Thread t = new Thread(r, "wal-replay-decode-" + threadIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ThreadLocal<DecodeState> states = ThreadLocal.withInitial(DecodeState::new);
        Reader reader = new Reader(sources, ordered, buffers, pool, free, states);
        Thread readerThread = new Thread(reader, "wal-replay-read");
        readerThread.setDaemon(true);
        readerThread.start();
        boolean checkpointCorrupt = false;
        Source corrupt = null;
        long corruptAt = -1;
        try {
            while (true) {
                Piece piece;
                try {
                    piece = ordered.take().join();
                } catch (CompletionException e) {
                    throw unwrap(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("WAL replay of " + dir + " interrupted");
                }
                if (piece == null) {
                    break;
                }
                Source source = sources.get(piece.source);
                DecodedRecords records = piece.decoded;
                try {
                    if (source.checkpoint() && checkpointCorrupt) {
                        continue;
                    }
                    if (!source.checkpoint()) {
                        next = source.segment() + 1;
                    }
                    consumer.accept(records);
                    if (records.badOffset() >= 0) {
                        if (source.checkpoint()) {
                            checkpointCorrupt = true;
                            metrics.walCorruptions.increment();
                            LOG.warning("WAL checkpoint " + cp + " corrupt at segment " + source.segment() + " offset "
                                    + records.badOffset() + "; its remaining records are lost");
                        } else {
                            corrupt = source;
                            corruptAt = records.badOffset();
                            break;
                        }
                    }
                } finally {
                    records.reset();
                    free.offer(records);
                    if (piece.last) {
                        progress.read(source.checkpoint() ? checkpoint : source.segment());
                    }
                }
            }
        } finally {
            reader.stop();
            ordered.clear();
            try {
                readerThread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ordered.clear();
            pool.shutdownNow();
        }
        if (corrupt != null) {
            metrics.walCorruptions.increment();
            LOG.warning("WAL segment " + corrupt.path() + " torn or corrupt at offset " + corruptAt + "; truncating there");
            try (FileChannel ch = FileChannel.open(corrupt.path(), StandardOpenOption.WRITE)) {
                ch.truncate(corruptAt);
                ch.force(true);
            }
            for (Source s : sources) {
                if (!s.checkpoint() && s.segment() > corrupt.segment()) {
                    LOG.warning("deleting WAL segment " + s.path() + " after a corrupt one");
                    Files.deleteIfExists(s.path());
                }
            }
        }
        return next;
    }

    private static IOException unwrap(CompletionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof UncheckedIOException u) {
            return u.getCause();
        }
        if (cause instanceof RuntimeException r) {
            throw r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new IOException(cause);
    }

    /** Cuts the files into pieces of whole records and queues their decoding, in order. */
    private final class Reader implements Runnable {
        private final List<Source> sources;
        private final BlockingQueue<CompletableFuture<Piece>> ordered;
        private final BlockingQueue<byte[]> buffers;
        private final ExecutorService pool;
        private final BlockingQueue<DecodedRecords> free;
        private final ThreadLocal<DecodeState> states;
        private volatile boolean stopped;

        Reader(List<Source> sources, BlockingQueue<CompletableFuture<Piece>> ordered, BlockingQueue<byte[]> buffers,
                ExecutorService pool, BlockingQueue<DecodedRecords> free, ThreadLocal<DecodeState> states) {
            this.sources = sources;
            this.ordered = ordered;
            this.buffers = buffers;
            this.pool = pool;
            this.free = free;
            this.states = states;
        }

        void stop() {
            stopped = true;
        }

        @Override
        public void run() {
            try {
                boolean checkpointTorn = false;
                for (int i = 0; i < sources.size() && !stopped; i++) {
                    Source source = sources.get(i);
                    if (source.checkpoint() && checkpointTorn) {
                        continue;
                    }
                    boolean torn = cut(i, source.path());
                    if (torn && !source.checkpoint()) {
                        // Later segments cannot be trusted to follow on: replay ends here.
                        break;
                    }
                    checkpointTorn |= torn && source.checkpoint();
                }
                put(CompletableFuture.completedFuture(null));
            } catch (IOException e) {
                put(CompletableFuture.failedFuture(new UncheckedIOException(e)));
            } catch (RuntimeException | Error e) {
                put(CompletableFuture.failedFuture(e));
            }
        }

        private void put(CompletableFuture<Piece> f) {
            while (!stopped) {
                try {
                    if (ordered.offer(f, 50, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        /** Queues the pieces of one file; returns whether it ends in a torn or malformed frame. */
        private boolean cut(int source, Path path) throws IOException {
            try (InputStream in = Files.newInputStream(path)) {
                long base = 0;
                byte[] buf = buffer(PIECE);
                int len = 0;
                boolean eof = false;
                while (!stopped) {
                    while (len < buf.length && !eof) {
                        int got = in.read(buf, len, buf.length - len);
                        if (got < 0) {
                            eof = true;
                        } else {
                            len += got;
                        }
                    }
                    // Whole records in buf[0, pos).
                    int pos = 0;
                    long bad = -1;
                    int need = 0;
                    while (true) {
                        if (len - pos < WalRecords.HEADER) {
                            if (eof && len > pos) {
                                bad = base + pos;
                            }
                            need = WalRecords.HEADER;
                            break;
                        }
                        byte type = buf[pos];
                        int length = ((buf[pos + 1] & 0xff) << 24) | ((buf[pos + 2] & 0xff) << 16) | ((buf[pos + 3] & 0xff) << 8)
                                | (buf[pos + 4] & 0xff);
                        if (!WalRecords.validType(type) || length < 0 || length > MAX_RECORD) {
                            bad = base + pos;
                            break;
                        }
                        if (len - pos < WalRecords.HEADER + length) {
                            if (eof) {
                                bad = base + pos;
                            }
                            need = WalRecords.HEADER + length;
                            break;
                        }
                        pos += WalRecords.HEADER + length;
                    }
                    boolean last = eof || bad >= 0;
                    if (pos > 0 || last) {
                        byte[] rest = null;
                        int restLength = len - pos;
                        if (!last) {
                            rest = buffer(Math.max(PIECE, need));
                            System.arraycopy(buf, pos, rest, 0, restLength);
                        }
                        submit(new Piece(source, base, buf, pos, bad, last));
                        base += pos;
                        if (last) {
                            return bad >= 0;
                        }
                        buf = rest;
                        len = restLength;
                    } else {
                        // One record larger than the buffer: grow it.
                        buf = java.util.Arrays.copyOf(buf, Math.max(need, buf.length * 2));
                    }
                }
                return false;
            }
        }

        private byte[] buffer(int size) {
            if (size <= PIECE) {
                byte[] b = buffers.poll();
                if (b != null) {
                    return b;
                }
                return new byte[PIECE];
            }
            return new byte[size];
        }

        private void submit(Piece piece) {
            put(CompletableFuture.supplyAsync(() -> decode(piece), pool));
        }

        private Piece decode(Piece piece) {
            DecodeState state = states.get();
            DecodedRecords out = free.poll();
            if (out == null) {
                out = new DecodedRecords();
            }
            piece.decoded = out;
            byte[] buf = piece.buf;
            int pos = 0;
            while (pos < piece.length) {
                byte type = buf[pos];
                int length = ((buf[pos + 1] & 0xff) << 24) | ((buf[pos + 2] & 0xff) << 16) | ((buf[pos + 3] & 0xff) << 8) | (buf[pos + 4] & 0xff);
                int sum = ((buf[pos + 5] & 0xff) << 24) | ((buf[pos + 6] & 0xff) << 16) | ((buf[pos + 7] & 0xff) << 8) | (buf[pos + 8] & 0xff);
                int payload = pos + WalRecords.HEADER;
                state.crc.reset();
                state.crc.update(buf, payload, length);
                if ((int) state.crc.getValue() != sum) {
                    out.bad(piece.base + pos);
                    break;
                }
                try {
                    out.decode(type, buf, payload, length, state.inflater, state.labels, state.texts);
                } catch (FormatException e) {
                    out.bad(piece.base + pos);
                    break;
                }
                pos = payload + length;
            }
            if (out.badOffset() < 0 && piece.framingBad >= 0) {
                out.bad(piece.framingBad);
            }
            if (buf.length == PIECE) {
                buffers.offer(buf);
            }
            return piece;
        }
    }
}

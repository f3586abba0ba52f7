package io.promethium.tsdb.internal.block;

import io.promethium.api.model.Labels;
import io.promethium.tsdb.internal.query.LabelIndex;
import io.promethium.tsdb.internal.util.ByteReader;
import io.promethium.tsdb.internal.util.FormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.util.IOUtils;
import io.promethium.tsdb.internal.index.RegexToLucene;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.automaton.Automaton;
import org.apache.lucene.util.automaton.CompiledAutomaton;
import org.apache.lucene.util.automaton.Operations;
import org.apache.lucene.util.automaton.RegExp;
import org.apache.lucene.util.automaton.TooComplexToDeterminizeException;
import org.roaringbitmap.RoaringBitmap;

/**
 * A block's series index in Lucene: one document per series in label order, a field per label
 * name whose terms are the values. Matchers scan the terms dictionary; documents carry the
 * labels and chunk references as a stored blob.
 */
final class BlockIndex implements AutoCloseable {
    private final Directory directory;
    private final DirectoryReader reader;
    private final LeafReader leaf;
    private final int maxDoc;
    /** Format 2's symbol table, or null for format 1 (labels stored as strings). */
    private final SymbolTable symbols;
    /** Format 2: the block's min time, which a series' first chunk's min time is relative to. */
    private final long minTime;
    private final KeptLabelValues keptValues = new KeptLabelValues();
    /** Made by the first series listing beside a head: most blocks are never listed. */
    private volatile KeptLabelSets keptSets;
    /** The documents kept over the block's recent series listings. */
    static final int LISTING_DOCS = 1 << 13;
    /** Series listings ({@code /api/v1/series}, a dashboard's variables): documents with labels and spans. */
    private final RecentByMatchers<BlockQuerier.Listing> listings = new RecentByMatchers<>(LISTING_DOCS, BlockQuerier.Listing::size);
    /** The bytes kept over the block's recent selections (bitmaps' in-memory size). */
    static final int SELECTION_BYTES = 256 << 10;
    /**
     * The documents a query's selector matched. A dashboard's panel asks the same selectors of every
     * block at each refresh; looking the terms up again allocated a fresh terms enumeration per
     * matcher and block (~75% of a one-host 7-day panel's 2.6 MB), which a JVM pays for in pages
     * touched. Weighed in bytes, not documents: one host's series in a block of millions are a few
     * documents in each of thousands of bitmap containers.
     */
    private final RecentByMatchers<RoaringBitmap> selections =
            new RecentByMatchers<>(SELECTION_BYTES, b -> (int) Math.min(Integer.MAX_VALUE, b.getLongSizeInBytes()));

    private BlockIndex(Directory directory, DirectoryReader reader, SymbolTable symbols, long minTime) {
        this.directory = directory;
        this.reader = reader;
        this.symbols = symbols;
        this.minTime = minTime;
        this.leaf = reader.leaves().isEmpty() ? null : reader.leaves().get(0).reader();
        this.maxDoc = reader.maxDoc();
    }

    /** Opens and verifies every index file's checksum (the index is small next to the chunks). */
    static BlockIndex open(Path blockDir, long blockMinTime) throws IOException {
        Path dir = blockDir.resolve("index");
        if (!java.nio.file.Files.isDirectory(dir)) {
            // Lucene's directory would create it: a block without its index is missing a file.
            throw new java.nio.file.NoSuchFileException(dir.toString());
        }
        Directory directory = new MMapDirectory(dir);
        try {
            DirectoryReader reader = DirectoryReader.open(directory);
            if (reader.leaves().size() > 1) {
                reader.close();
                throw new FormatException("index " + dir + " has " + reader.leaves().size() + " segments, expected 1");
            }
            for (var ctx : reader.leaves()) {
                ctx.reader().checkIntegrity();
            }
            SymbolTable symbols = null;
            String format = reader.getIndexCommit().getUserData().get(BlockWriter.FORMAT_KEY);
            if (format != null) {
                if (!format.equals(BlockWriter.FORMAT_2)) {
                    reader.close();
                    throw new FormatException("index " + dir + " has series format " + format + ", this version reads 1 and 2");
                }
                try {
                    symbols = SymbolTable.open(blockDir.resolve(SymbolTable.FILE));
                } catch (IOException | RuntimeException e) {
                    reader.close();
                    throw e;
                }
            }
            return new BlockIndex(directory, reader, symbols, blockMinTime);
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
    }

    int maxDoc() {
        return maxDoc;
    }

    /** Labels and chunk references of one series. */
    record SeriesMeta(Labels labels, long[] mints, long[] maxts, long[] refs) {
        boolean overlaps(long mint, long maxt) {
            return mints.length > 0 && mints[0] <= maxt && maxts[maxts.length - 1] >= mint;
        }
    }

    /**
     * Labels and chunk references of a document. Pass the same {@link BinaryDocValues} for
     * ascending docs (it only moves forward); get a fresh one from {@link #seriesValues()} otherwise.
     */
    SeriesMeta series(BinaryDocValues values, int doc) {
        return series(values, doc, null);
    }

    /** Format 2's number of symbols (0 for format 1): the size of a whole-table {@link SymbolCache}. */
    int symbolCount() {
        return symbols == null ? 0 : symbols.size();
    }

    /**
     * A symbol cache for reading {@code series} series with {@link #series(BinaryDocValues, int, SymbolCache)},
     * or null for a format-1 block (its series hold their strings). Without one each series decodes
     * its ~10 label strings anew: a query over the 500k series of a fresh block held ~9M strings
     * (~450 MB) while it ran, which G1 promoted to the old generation at every head cut.
     */
    SymbolCache symbolCache(long series) {
        return symbols == null ? null : SymbolCache.forSeries(series, symbols.size());
    }

    /**
     * As {@link #symbolCache}, for a query: a table small enough keeps the strings read for the next
     * query ({@link SymbolTable#kept}). Passes over every series (compaction, downsampling, retention)
     * take {@link #symbolCache}, so that they leave nothing behind.
     */
    SymbolCache querySymbolCache(long series) {
        return symbols == null ? null : SymbolCache.forQuery(series, symbols);
    }

    /**
     * As {@link #series(BinaryDocValues, int)}, each symbol decoded once into {@code symbolCache}
     * (null: none): a pass over every series (a merge) then shares the strings instead of decoding
     * ten per series.
     */
    SeriesMeta series(BinaryDocValues values, int doc, SymbolCache symbolCache) {
        ByteReader in = entry(values, doc, symbolCache);
        Labels labels = labels(in, symbolCache);
        int chunks = in.readLength();
        long[] mints = new long[chunks];
        long[] maxts = new long[chunks];
        long[] refs = new long[chunks];
        readChunks(in, chunks, mints, maxts, refs, null);
        return new SeriesMeta(labels, mints, maxts, refs);
    }

    /** A series' chunk references in arrays a pass over every series reuses: {@code count} of them. */
    static final class ChunkRefs {
        long[] mints = new long[16];
        long[] maxts = new long[16];
        long[] refs = new long[16];
        int count;

        /** The references as a series' meta of their own (copies), for code that takes one. */
        SeriesMeta meta(Labels labels) {
            return new SeriesMeta(labels, Arrays.copyOf(mints, count), Arrays.copyOf(maxts, count), Arrays.copyOf(refs, count));
        }
    }

    /**
     * As {@link #series(BinaryDocValues, int, SymbolCache)}, the chunk references read into
     * {@code into} (grown as needed) instead of arrays of their own: a merge reads every series of
     * each source once, and those arrays were its largest garbage.
     */
    Labels series(BinaryDocValues values, int doc, SymbolCache symbolCache, ChunkRefs into) {
        ByteReader in = entry(values, doc, symbolCache);
        Labels labels = labels(in, symbolCache);
        int chunks = in.readLength();
        if (into.mints.length < chunks) {
            int size = Math.max(chunks, into.mints.length * 2);
            into.mints = new long[size];
            into.maxts = new long[size];
            into.refs = new long[size];
        }
        readChunks(in, chunks, into.mints, into.maxts, into.refs, null);
        into.count = chunks;
        return labels;
    }

    /**
     * A document's labels, with the first chunk's start in {@code span[0]} and the last chunk's end
     * in {@code span[1]} ({@code span[0] > span[1]} without chunks): as {@link #series(BinaryDocValues,
     * int, SymbolCache)} with no chunk references kept, for a select of labels only (the series API).
     */
    Labels labels(BinaryDocValues values, int doc, SymbolCache symbolCache, long[] span) {
        ByteReader in = entry(values, doc, symbolCache);
        Labels labels = labels(in, symbolCache);
        span[0] = Long.MAX_VALUE;
        span[1] = Long.MIN_VALUE;
        readChunks(in, in.readLength(), null, null, null, span);
        return labels;
    }

    /**
     * Reads an entry's {@code chunks} chunk references into the arrays, or, with null arrays, only
     * the first chunk's start and the last one's end into {@code span}: one reading of the format.
     */
    private void readChunks(ByteReader in, int chunks, long[] mints, long[] maxts, long[] refs, long[] span) {
        boolean v2 = symbols != null;
        long prevMax = v2 ? minTime : 0;
        long prevRef = v2 ? BlockWriter.FIRST_REF : 0;
        for (int i = 0; i < chunks; i++) {
            long mint = v2 && i > 0 ? prevMax + 1 + in.readUvarint() : prevMax + in.readVarint();
            prevMax = mint + in.readUvarint();
            prevRef += v2 ? in.readUvarint() : in.readVarint();
            if (mints != null) {
                mints[i] = mint;
                maxts[i] = prevMax;
                refs[i] = prevRef;
            } else if (i == 0) {
                span[0] = mint;
            }
        }
        if (span != null && chunks > 0) {
            span[1] = prevMax;
        }
    }

    /** The document's series entry, read through the pass's reader when there is one. */
    private static ByteReader entry(BinaryDocValues values, int doc, SymbolCache symbolCache) {
        // Doc values only move forward; asked for an earlier doc, Lucene's reader may answer with
        // the bytes of the doc it is on, another series' labels and chunks.
        assert values == null || doc >= values.docID() : "series " + doc + " read after " + values.docID();
        try {
            if (values == null || !values.advanceExact(doc)) {
                throw new FormatException("document " + doc + " lacks its series data");
            }
            BytesRef b = values.binaryValue();
            ByteReader in = symbolCache == null ? new ByteReader() : symbolCache.reader();
            in.reset(b.bytes, b.offset, b.length);
            return in;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Labels labels(ByteReader in, SymbolCache symbolCache) {
        int n = in.readLength();
        Labels.Builder lb = Labels.builder(n);
        if (symbols == null) {
            for (int i = 0; i < n; i++) {
                lb.set(in.readString(), in.readString());
            }
        } else {
            for (int i = 0; i < n; i++) {
                lb.set(symbol(in.readUvarint(), symbolCache), symbol(in.readUvarint(), symbolCache));
            }
        }
        return lb.build();
    }

    /** The block's recent series listings by matchers. */
    RecentByMatchers<BlockQuerier.Listing> listings() {
        return listings;
    }

    /**
     * The documents these matchers select, from the block's recent selections when they were asked
     * before. The bitmap is shared: callers only read it.
     */
    RoaringBitmap selected(List<io.promethium.api.model.Matcher> matchers) {
        RoaringBitmap docs = selections.get(matchers);
        if (docs == null) {
            docs = io.promethium.tsdb.internal.query.PostingsForMatchers.select(labelIndex(), matchers);
            selections.put(matchers, docs);
        }
        return docs;
    }

    /** The block's recent selections by matchers. */
    RecentByMatchers<RoaringBitmap> selections() {
        return selections;
    }

    /** The head's label sets kept for series listings, made on the first call. */
    KeptLabelSets keptSets() {
        KeptLabelSets k = keptSets;
        if (k == null) {
            synchronized (this) {
                k = keptSets;
                if (k == null) {
                    k = keptSets = new KeptLabelSets(maxDoc);
                }
            }
        }
        return k;
    }

    private String symbol(long id, SymbolCache cache) {
        return cache == null ? symbols.get(id) : cache.get(id, symbols);
    }

    /** The start timestamps of the series (null when none of the block's series has any). */
    BinaryDocValues startValues() {
        try {
            return leaf == null ? null : leaf.getBinaryDocValues(BlockWriter.STARTS_FIELD);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A document's start timestamps, or null when it has none; pass {@link #startValues()} for ascending docs. */
    io.promethium.tsdb.internal.start.StartTimes.Points starts(BinaryDocValues values, int doc) {
        try {
            if (values == null || !values.advanceExact(doc)) {
                return null;
            }
            BytesRef b = values.binaryValue();
            return io.promethium.tsdb.internal.start.StartTimes.Points.decode(b.bytes, b.offset, b.length);
        } catch (IllegalArgumentException e) {
            throw new FormatException("document " + doc + ": " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    BinaryDocValues seriesValues() {
        try {
            return leaf == null ? null : leaf.getBinaryDocValues(BlockWriter.SERIES_FIELD);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A label name's values from the terms, in UTF-8 byte order as Prometheus sorts strings. */
    private List<String> readValues(String name) {
        List<String> out = new ArrayList<>();
        try {
            TermsEnum te = terms(name);
            if (te != null) {
                for (BytesRef term = te.next(); term != null; term = te.next()) {
                    out.add(term.utf8ToString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    LabelIndex labelIndex() {
        return new LabelIndex() {
            @Override
            public RoaringBitmap all() {
                RoaringBitmap r = new RoaringBitmap();
                if (maxDoc > 0) {
                    r.add(0L, (long) maxDoc);
                }
                return r;
            }

            @Override
            public RoaringBitmap postings(String name, String value) {
                RoaringBitmap r = new RoaringBitmap();
                try {
                    TermsEnum te = terms(name);
                    if (te != null && te.seekExact(new BytesRef(value))) {
                        collect(te, r);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return r;
            }

            @Override
            public RoaringBitmap postingsWhere(String name, Predicate<String> valueMatches) {
                RoaringBitmap r = new RoaringBitmap();
                try {
                    TermsEnum te = terms(name);
                    if (te != null) {
                        for (BytesRef term = te.next(); term != null; term = te.next()) {
                            if (valueMatches.test(term.utf8ToString())) {
                                collect(te, r);
                            }
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return r;
            }

            @Override
            public RoaringBitmap postingsMatchingRegex(String name, io.promethium.api.model.Matcher regex) {
                CompiledAutomaton automaton = automaton(regex.value());
                if (automaton == null) {
                    return postingsWhere(name, regex::patternMatches);
                }
                RoaringBitmap r = new RoaringBitmap();
                try {
                    Terms terms = leaf == null ? null : leaf.terms(name);
                    if (terms != null) {
                        TermsEnum te = automaton.getTermsEnum(terms);
                        for (BytesRef term = te.next(); term != null; term = te.next()) {
                            collect(te, r);
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return r;
            }

            @Override
            public List<String> values(String name) {
                return keptValues.get(name, BlockIndex.this::readValues);
            }

            @Override
            public List<String> names() {
                List<String> out = new ArrayList<>();
                if (leaf != null) {
                    for (FieldInfo fi : leaf.getFieldInfos()) {
                        if (!fi.name.startsWith("#")) {
                            out.add(fi.name);
                        }
                    }
                }
                out.sort(Labels.STRING_ORDER);
                return out;
            }
        };
    }

    /** The regex as a Lucene automaton, or null when it is outside the convertible subset or too complex. */
    static CompiledAutomaton automaton(String regex) {
        String lucene = RegexToLucene.convert(regex);
        if (lucene == null) {
            return null;
        }
        try {
            Automaton a = new RegExp(lucene, RegExp.NONE).toAutomaton();
            a = Operations.determinize(a, Operations.DEFAULT_DETERMINIZE_WORK_LIMIT);
            return new CompiledAutomaton(a, false, true, false);
        } catch (IllegalArgumentException | TooComplexToDeterminizeException e) {
            return null;
        }
    }

    private TermsEnum terms(String name) throws IOException {
        if (leaf == null) {
            return null;
        }
        Terms terms = leaf.terms(name);
        return terms == null ? null : terms.iterator();
    }

    private static void collect(TermsEnum te, RoaringBitmap into) throws IOException {
        PostingsEnum pe = te.postings(null, PostingsEnum.NONE);
        for (int doc = pe.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = pe.nextDoc()) {
            into.add(doc);
        }
    }

    @Override
    public void close() throws IOException {
        IOUtils.close(reader, directory, symbols);
    }
}

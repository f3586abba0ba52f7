package io.promethium.tsdb.internal.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.tsdb.internal.fs.FileOpener;
import io.promethium.tsdb.internal.util.FormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The symbols a pass over a block's series decodes, kept whole or in a few slots, and what a small table keeps between queries. */
class SymbolCacheTest {
    private static final int SYMBOLS = 5_000;

    @TempDir
    Path dir;

    private SymbolTable table() throws Exception {
        return table(SYMBOLS);
    }

    private SymbolTable table(int count) throws Exception {
        List<String> symbols = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            symbols.add(String.format("s%05d", i));
        }
        Path path = dir.resolve("symbols" + count);
        SymbolTable.write(path, symbols, FileOpener.DEFAULT);
        return SymbolTable.open(path);
    }

    @Test
    void aFewSlotsAnswerEverySymbolRightThoughManyShareASlotAndKeepTheOnesReadAgain() throws Exception {
        SymbolTable table = table();
        SymbolCache cache = SymbolCache.forSeries(2, SYMBOLS);
        // Every symbol through 32 slots: each answer is its own, whichever symbol held the slot before.
        for (int round = 0; round < 2; round++) {
            for (int id = 0; id < SYMBOLS; id += 7) {
                assertThat(cache.get(id, table)).isEqualTo(String.format("s%05d", id));
            }
        }
        // A symbol read again while it holds its slot is the same string, not decoded anew.
        String name = cache.get(42, table);
        assertThat(cache.get(42, table)).isSameAs(name);
    }

    @Test
    void overManySeriesTheWholeTableIsKeptAndEachSymbolDecodedOnce() throws Exception {
        SymbolTable table = table();
        SymbolCache cache = SymbolCache.forSeries((SYMBOLS + 63) / 64, SYMBOLS);
        List<String> first = new ArrayList<>();
        for (int id = 0; id < SYMBOLS; id++) {
            first.add(cache.get(id, table));
        }
        for (int id = 0; id < SYMBOLS; id++) {
            assertThat(cache.get(id, table)).isSameAs(first.get(id)).isEqualTo(String.format("s%05d", id));
        }
    }

    @Test
    void aSmallTableKeepsWhatQueriesReadForTheNextQueryAndNothingForOtherPasses() throws Exception {
        SymbolTable table = table();
        String first = SymbolCache.forQuery(3, table).get(7, table);
        // The next query's cache answers the same string, not one decoded anew.
        assertThat(SymbolCache.forQuery(3, table).get(7, table)).isSameAs(first).isEqualTo("s00007");
        assertThat(SymbolCache.forQuery(10_000, table).get(7, table)).isSameAs(first);
        // A pass over every series (compaction) neither takes nor leaves kept strings.
        String passed = SymbolCache.whole(SYMBOLS).get(8, table);
        assertThat(SymbolCache.forQuery(3, table).get(8, table)).isNotSameAs(passed).isEqualTo("s00008");
    }

    @Test
    void aTableOverTheKeptSizeKeepsNothingBetweenQueries() throws Exception {
        SymbolTable table = table(SymbolTable.KEPT_MAX + 1);
        assertThat(table.keeps()).isFalse();
        String first = SymbolCache.forQuery(3, table).get(7, table);
        assertThat(SymbolCache.forQuery(3, table).get(7, table)).isNotSameAs(first).isEqualTo("s00007");
    }

    @Test
    void anIdOutsideTheTableIsTheTablesErrorEitherWay() throws Exception {
        SymbolTable table = table();
        for (SymbolCache cache : List.of(SymbolCache.forSeries(1, SYMBOLS), SymbolCache.whole(SYMBOLS), SymbolCache.forQuery(1, table))) {
            assertThatThrownBy(() -> cache.get(SYMBOLS, table)).isInstanceOf(FormatException.class).hasMessageContaining("symbol " + SYMBOLS);
            assertThatThrownBy(() -> cache.get(-1, table)).isInstanceOf(FormatException.class);
        }
    }
}

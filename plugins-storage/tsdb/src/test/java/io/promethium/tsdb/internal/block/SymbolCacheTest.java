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

/** The symbols a pass over a block's series decodes, kept whole or in a few slots. */
class SymbolCacheTest {
    private static final int SYMBOLS = 5_000;

    @TempDir
    Path dir;

    private SymbolTable table() throws Exception {
        List<String> symbols = new ArrayList<>();
        for (int i = 0; i < SYMBOLS; i++) {
            symbols.add(String.format("s%05d", i));
        }
        Path path = dir.resolve("symbols");
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
    void anIdOutsideTheTableIsTheTablesErrorEitherWay() throws Exception {
        SymbolTable table = table();
        for (SymbolCache cache : List.of(SymbolCache.forSeries(1, SYMBOLS), SymbolCache.whole(SYMBOLS))) {
            assertThatThrownBy(() -> cache.get(SYMBOLS, table)).isInstanceOf(FormatException.class).hasMessageContaining("symbol " + SYMBOLS);
            assertThatThrownBy(() -> cache.get(-1, table)).isInstanceOf(FormatException.class);
        }
    }
}

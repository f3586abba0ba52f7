package io.promethium.tsdb.tool;

import io.promethium.tsdb.internal.wal.WalStats;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** {@code tsdb wal-stats DIR}: a WAL's records by type, with bytes on disk and once inflated. */
final class WalDump {
    private final PrintStream out;

    WalDump(PrintStream out) {
        this.out = out;
    }

    void run(Path dataOrWalDir) throws IOException {
        Path wal = Files.isDirectory(dataOrWalDir.resolve("wal")) ? dataOrWalDir.resolve("wal") : dataOrWalDir;
        if (!Files.isDirectory(wal)) {
            throw new IOException("no WAL directory at " + dataOrWalDir);
        }
        WalStats.Result r = WalStats.of(wal);
        out.printf(Locale.ROOT, "%s: %d files, %,d bytes (%,d after the last readable record)%n", wal, r.files(), r.fileBytes(),
                r.unreadBytes());
        out.printf(Locale.ROOT, "%-17s %10s %10s %14s %14s %12s %9s %9s%n", "record type", "records", "compressed", "bytes on disk",
                "bytes inflated", "entries", "B/entry", "ratio");
        for (Map.Entry<String, WalStats.Row> e : r.rows().entrySet()) {
            WalStats.Row row = e.getValue();
            out.printf(Locale.ROOT, "%-17s %,10d %,10d %,14d %,14d %,12d %9.2f %9.2f%n", e.getKey(), row.records, row.compressed,
                    row.storedBytes, row.payloadBytes, row.entries, row.entries == 0 ? Double.NaN : row.storedBytes / (double) row.entries,
                    row.payloadBytes == 0 ? Double.NaN : row.storedBytes / (double) row.payloadBytes);
        }
    }
}

package io.promethium.tsdb.tool;

import io.promethium.api.config.Durations;
import io.promethium.api.tool.CommandLine;
import io.promethium.tsdb.internal.block.Block;
import io.promethium.tsdb.internal.block.BlockMeta;
import io.promethium.tsdb.internal.block.Ulid;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code list [-r] [DB]}: one line per block, as promtool 2.42's {@code tsdb list} prints it (same
 * columns, numbers, Go durations and tabwriter layout, {@code -r} for human-readable times and
 * sizes), so a raw data folder lists byte for byte as promtool lists Prometheus's. When the folder
 * holds downsampled companions, a last column {@code RESOLUTION} ({@code raw}, {@code 5m},
 * {@code 1h}, ...) tells them apart; without companions it is left out. Unreadable blocks say why
 * before the table.
 */
final class BlockList {
    private static final DateTimeFormatter GO_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss '+0000 UTC'")
            .withZone(ZoneOffset.UTC);

    /** The command's arguments, as promtool's. */
    record Args(Path db, boolean humanReadable) {
        private static final CommandLine.Reader READER = CommandLine.reader().bool("human-readable").shortName('r', "human-readable");

        static Args parse(List<String> args) throws CommandLine.UsageException {
            CommandLine line = READER.read(args);
            List<String> db = line.arguments(0, 1, "db path");
            return new Args(Path.of(db.isEmpty() ? "data/" : db.get(0)), line.flag("human-readable"));
        }
    }

    private final PrintStream out;

    BlockList(PrintStream out) {
        this.out = out;
    }

    /**
     * Opens every block folder in {@code dir} (companions too), oldest first as promtool sorts them
     * (by min time; raw before coarser resolutions at the same time); the caller closes them.
     */
    static List<Block> open(Path dir, PrintStream report) throws IOException {
        if (!Files.exists(dir)) {
            throw new IOException("opening the db dir: stat " + dir + ": no such file or directory"); // promtool's words
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException("find blocks: readdirent " + dir + ": not a directory");
        }
        List<Block> blocks = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                if (Files.isDirectory(p) && Ulid.looksLike(p.getFileName().toString())) {
                    try {
                        blocks.add(Block.open(p));
                    } catch (IOException | RuntimeException e) {
                        report.printf("%s  CORRUPT: %s%n", p.getFileName(), e.getMessage());
                    }
                }
            }
        }
        blocks.sort(Comparator.<Block>comparingLong(b -> b.meta().minTime()).thenComparingLong(b -> b.meta().resolution()));
        return blocks;
    }

    /** {@code raw} for a raw block, else its resolution as Prometheus writes durations ({@code 5m}, {@code 1h}). */
    static String resolution(BlockMeta m) {
        return resolution(m.resolution());
    }

    static String resolution(long millis) {
        return millis == 0 ? "raw" : Durations.format(java.time.Duration.ofMillis(millis));
    }

    void list(Args args) throws IOException {
        List<Block> blocks = open(args.db(), out);
        boolean companions = blocks.stream().anyMatch(b -> b.meta().downsampled());
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("BLOCK ULID", "MIN TIME", "MAX TIME", "DURATION", "NUM SAMPLES", "NUM CHUNKS",
                "NUM SERIES", "SIZE"));
        if (companions) {
            header.add("RESOLUTION");
        }
        rows.add(header);
        for (Block b : blocks) {
            BlockMeta m = b.meta();
            List<String> row = new ArrayList<>(List.of(m.ulid(), time(m.minTime(), args.humanReadable()),
                    time(m.maxTime(), args.humanReadable()), goDuration(m.maxTime() - m.minTime()), Long.toString(m.numSamples()),
                    Long.toString(m.numChunks()), Long.toString(m.numSeries()), bytes(b.sizeBytes(), args.humanReadable())));
            if (companions) {
                row.add(resolution(m));
            }
            rows.add(row);
            b.close();
        }
        printTable(out, rows);
    }

    /**
     * The row {@code tsdb list} prints for the block in {@code blockDir}, as a table of its own
     * (with the header when {@code header}): what promtool's backfill prints after each block.
     */
    static void printBlock(PrintStream out, Path blockDir, boolean header, boolean humanReadable) throws IOException {
        Block b = Block.open(blockDir);
        try {
            BlockMeta m = b.meta();
            List<List<String>> rows = new ArrayList<>();
            if (header) {
                rows.add(List.of("BLOCK ULID", "MIN TIME", "MAX TIME", "DURATION", "NUM SAMPLES", "NUM CHUNKS", "NUM SERIES", "SIZE"));
            }
            rows.add(List.of(m.ulid(), time(m.minTime(), humanReadable), time(m.maxTime(), humanReadable),
                    goDuration(m.maxTime() - m.minTime()), Long.toString(m.numSamples()), Long.toString(m.numChunks()),
                    Long.toString(m.numSeries()), bytes(b.sizeBytes(), humanReadable)));
            printTable(out, rows);
        } finally {
            b.close();
        }
    }

    /**
     * Prints rows as Go's {@code text/tabwriter} with promtool's settings (minimum width 13,
     * padding 2, spaces) lays out tab-separated cells: every cell but a row's last padded to its
     * column's width. Written here, not taken from a library, because the point is promtool's
     * exact bytes.
     */
    private static void printTable(PrintStream out, List<List<String>> rows) {
        int columns = rows.get(0).size();
        int[] width = new int[columns - 1];
        for (List<String> row : rows) {
            for (int c = 0; c < columns - 1; c++) {
                width[c] = Math.max(width[c], Math.max(13, row.get(c).length() + 2));
            }
        }
        StringBuilder sb = new StringBuilder();
        for (List<String> row : rows) {
            for (int c = 0; c < columns - 1; c++) {
                String cell = row.get(c);
                sb.append(cell).append(" ".repeat(width[c] - cell.length()));
            }
            sb.append(row.get(columns - 1)).append('\n');
        }
        out.print(sb);
    }

    /** promtool's getFormatedTime: milliseconds, or with {@code -r} Go's UTC time of the whole second. */
    static String time(long millis, boolean humanReadable) {
        return humanReadable ? GO_TIME.format(Instant.ofEpochSecond(millis / 1000)) : Long.toString(millis);
    }

    /** promtool's getFormatedBytes: the count, or with {@code -r} as Go's {@code units.Base2Bytes} prints it ({@code 1KiB443B}). */
    static String bytes(long n, boolean humanReadable) {
        if (!humanReadable) {
            return Long.toString(n);
        }
        if (n == 0) {
            return "0B";
        }
        String[] suffixes = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < suffixes.length && n != 0; i++) {
            if (n % 1024 != 0) {
                sb.insert(0, n % 1024 + suffixes[i]);
            }
            n /= 1024;
        }
        return sb.toString();
    }

    /** A span of milliseconds as Go's {@code time.Duration.String} prints it: {@code 2h0m0s}, {@code 1h59m45.001s}, {@code 500ms}. */
    static String goDuration(long millis) {
        if (millis == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        long ms = millis;
        if (ms < 0) {
            sb.append('-');
            ms = -ms;
        }
        if (ms < 1000) {
            return sb.append(ms).append("ms").toString();
        }
        long hours = ms / 3_600_000;
        long minutes = ms / 60_000 % 60;
        long seconds = ms / 1000 % 60;
        long fraction = ms % 1000;
        if (hours > 0) {
            sb.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            sb.append(minutes).append('m');
        }
        sb.append(seconds);
        if (fraction != 0) {
            String f = String.format("%03d", fraction);
            sb.append('.').append(f.replaceFirst("0+$", ""));
        }
        return sb.append('s').toString();
    }
}

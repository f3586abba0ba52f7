package io.promethium.tsdb;

import java.util.Locale;

/**
 * How WAL records are compressed, as Prometheus's {@code --storage.tsdb.wal-compression-type}.
 * Each record is compressed on its own (a record that would not shrink is stored plain), so a
 * WAL may mix plain and compressed records and a WAL written without compression replays
 * unchanged; the setting only decides how new records are written.
 */
public enum WalCompression {
    /** Records are written as they are. */
    NONE,
    /** Snappy: fast, about half the bytes of plain sample records (Prometheus's default). */
    SNAPPY,
    /** Zstandard: fewer bytes than snappy for more CPU per record. */
    ZSTD;

    /** The flag value ({@code snappy}, {@code zstd}, {@code none}), case-insensitive. */
    public static WalCompression parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "snappy" -> SNAPPY;
            case "zstd" -> ZSTD;
            case "none" -> NONE;
            default -> throw new IllegalArgumentException("unknown WAL compression \"" + text + "\": expected snappy or zstd");
        };
    }

    /** The flag value. */
    public String flagValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}

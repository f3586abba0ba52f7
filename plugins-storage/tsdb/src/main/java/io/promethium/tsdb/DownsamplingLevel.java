package io.promethium.tsdb;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * One resolution of {@code storage.tsdb.downsampling.resolutions}: every block (raw for the first
 * level, the level before's companions after it) that ended at least {@code after} before the
 * newest data gets a companion at {@code resolution}; companions are deleted once they ended
 * {@code retention} before the newest data ({@link Duration#ZERO}: kept as long as there is data).
 *
 * @param resolution the window length; positive, whole milliseconds
 * @param after the age a block must have reached; not negative
 * @param retention how long companions of this resolution are kept; zero for no limit
 */
public record DownsamplingLevel(Duration resolution, Duration after, Duration retention) {
    public DownsamplingLevel {
        requireNonNull(resolution, "resolution is null");
        requireNonNull(after, "after is null");
        requireNonNull(retention, "retention is null");
        if (resolution.toMillis() <= 0 || after.isNegative() || retention.isNegative()) {
            throw new IllegalArgumentException("downsampling resolution " + resolution + " after " + after + " retention " + retention
                    + ": resolution must be positive, after and retention not negative");
        }
    }
}

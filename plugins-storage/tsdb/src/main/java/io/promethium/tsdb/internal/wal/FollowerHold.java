package io.promethium.tsdb.internal.wal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Which closed WAL segments a truncation keeps for the log's followers (remote write queues):
 * those from the oldest segment a follower's saved position is in, as long as they were written
 * within the hold. A follower that is behind at a head cut (its receiver is down) then still
 * finds its samples; one behind by more than the hold (or a position file left by a queue that no
 * longer exists) holds nothing, so the WAL cannot grow without bound. Positions are the files
 * {@code <name>.position} in {@link WalFiles#followersDir}, each {@code <segment> <offset>}, as
 * {@link io.promethium.api.storage.WalWatchable#stateDirectory()} describes.
 */
public final class FollowerHold {
    private static final Logger LOG = Logger.getLogger(FollowerHold.class.getName());

    private FollowerHold() {
    }

    /**
     * The first segment at or before {@code last} to keep whole, or {@link Integer#MAX_VALUE} when
     * no follower needs one written since {@code writtenSinceMillis}.
     */
    static int firstHeld(Path walDir, int last, long writtenSinceMillis) throws IOException {
        int needed = oldestPosition(walDir);
        if (needed > last) {
            return Integer.MAX_VALUE;
        }
        for (int seg : WalFiles.segments(walDir)) {
            if (seg < needed || seg > last) {
                continue;
            }
            try {
                if (Files.getLastModifiedTime(walDir.resolve(WalFiles.segmentName(seg))).toMillis() >= writtenSinceMillis) {
                    return seg;
                }
            } catch (NoSuchFileException e) {
                // Deleted by a concurrent repair: nothing to hold there.
            }
        }
        return Integer.MAX_VALUE;
    }

    /** The lowest segment in any follower's saved position, or {@link Integer#MAX_VALUE} when none is saved. */
    public static int oldestPosition(Path walDir) throws IOException {
        Path dir = WalFiles.followersDir(walDir);
        int oldest = Integer.MAX_VALUE;
        if (!Files.isDirectory(dir)) {
            return oldest;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (!p.getFileName().toString().endsWith(".position")) {
                    continue;
                }
                String text;
                try {
                    text = Files.readString(p).strip();
                } catch (NoSuchFileException e) {
                    continue; // a queue removed meanwhile
                }
                int space = text.indexOf(' ');
                try {
                    oldest = Math.min(oldest, Integer.parseInt(space < 0 ? text : text.substring(0, space)));
                } catch (NumberFormatException e) {
                    LOG.warning("WAL follower position " + p + " is unreadable (" + text + "); it holds no segment");
                }
            }
        }
        return oldest;
    }
}

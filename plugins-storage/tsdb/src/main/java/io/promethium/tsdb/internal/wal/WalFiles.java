package io.promethium.tsdb.internal.wal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/** Names in the WAL directory: segments {@code 00000012}, checkpoints {@code checkpoint.00000011}. */
public final class WalFiles {
    static final String CHECKPOINT_PREFIX = "checkpoint.";

    private WalFiles() {
    }

    public static String segmentName(int index) {
        return String.format("%08d", index);
    }

    static int parseIndex(String name) {
        if (name.length() != 8) {
            return -1;
        }
        for (int i = 0; i < 8; i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return -1;
            }
        }
        return Integer.parseInt(name);
    }

    /** Segment indexes in the directory, ascending. */
    public static List<Integer> segments(Path dir) throws IOException {
        List<Integer> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> {
                int index = parseIndex(p.getFileName().toString());
                if (index >= 0 && Files.isRegularFile(p)) {
                    out.add(index);
                }
            });
        }
        Collections.sort(out);
        return out;
    }

    /** The newest complete checkpoint's index, or -1. */
    public static int lastCheckpoint(Path dir) throws IOException {
        int best = -1;
        if (!Files.isDirectory(dir)) {
            return best;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith(CHECKPOINT_PREFIX) && !name.endsWith(".tmp")) {
                    int index = parseIndex(name.substring(CHECKPOINT_PREFIX.length()));
                    best = Math.max(best, index);
                }
            }
        }
        return best;
    }

    /** Where the WAL's followers keep their positions ({@link io.promethium.api.storage.WalWatchable#stateDirectory()}). */
    public static Path followersDir(Path walDir) {
        return walDir.resolveSibling("wal-followers");
    }

    static Path checkpointDir(Path dir, int index) {
        return dir.resolve(CHECKPOINT_PREFIX + segmentName(index));
    }
}

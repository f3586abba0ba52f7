package io.promethium.tsdb.internal.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/** Durability helpers: directory fsync after create/rename, recursive delete. */
public final class Fsync {
    private Fsync() {
    }

    /** Persists a directory's entries (new or renamed files). Best effort where unsupported. */
    public static void dir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Some platforms cannot open directories; the rename is then as durable as the OS makes it.
        }
    }

    /**
     * Deletes a block folder so that a crash midway never leaves a block with some files gone
     * (which the next start would take for corruption): renamed to {@code <name>.tmp-for-deletion}
     * first (Prometheus's name; what is left of it is removed at the next open), then deleted.
     */
    public static void deleteBlock(Path block) throws IOException {
        if (!Files.exists(block)) {
            return;
        }
        Path doomed = block.resolveSibling(block.getFileName() + ".tmp-for-deletion");
        deleteRecursively(doomed);
        Files.move(block, doomed, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        dir(block.getParent());
        deleteRecursively(doomed);
    }

    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    public static long sizeOf(Path path) {
        try (Stream<Path> walk = Files.walk(path)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            return 0;
        }
    }
}

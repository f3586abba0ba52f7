package io.promethium.alertmanager.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes a JSON snapshot crash-safely: temporary file, fsync, atomic rename, fsync of the folder.
 * A process killed at any instant leaves the previous or the new file (the rename is atomic); the
 * folder's fsync makes the rename itself survive a power loss.
 */
final class Snapshots {

    private static final Logger LOG = Logger.getLogger(Snapshots.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private Snapshots() {
    }

    /** @return false when the write failed (logged here; the caller counts it and retries) */
    static boolean write(Path file, JsonNode content) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            byte[] bytes = JSON.writeValueAsBytes(content);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(bytes));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncFolder(file.toAbsolutePath().getParent());
            return true;
        } catch (IOException e) {
            LOG.log(Level.SEVERE, "cannot write " + file + ": " + e.getMessage(), e);
            return false;
        }
    }

    private static void syncFolder(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open or sync a folder; the rename is done, only its durability on power loss is weaker.
            LOG.log(Level.FINE, "cannot fsync folder " + dir + ": " + e.getMessage(), e);
        }
    }
}

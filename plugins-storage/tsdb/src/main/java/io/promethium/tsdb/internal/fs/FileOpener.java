package io.promethium.tsdb.internal.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * Opens files for writing, and hears when a block or WAL checkpoint is complete in its temporary
 * folder just before the rename that puts it in place. Tests inject one whose channels fail (disk
 * full) on demand; {@link FaultPause} holds the rename so a test can kill the process there.
 */
@FunctionalInterface
public interface FileOpener {

    FileChannel open(Path path, OpenOption... options) throws IOException;

    /** What is about to be renamed into place. */
    enum Written {
        BLOCK, CHECKPOINT
    }

    /** Called once {@code folder} (every file written and fsynced) is about to be renamed into place. */
    default void beforeRename(Written what, Path folder) {
    }

    FileOpener DEFAULT = FileChannel::open;
}

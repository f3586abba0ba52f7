package io.promethium.tsdb.internal.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/** Opens files for writing; tests inject one whose channels fail (disk full) on demand. */
@FunctionalInterface
public interface FileOpener {

    FileChannel open(Path path, OpenOption... options) throws IOException;

    FileOpener DEFAULT = FileChannel::open;
}

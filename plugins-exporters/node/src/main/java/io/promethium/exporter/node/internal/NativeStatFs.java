package io.promethium.exporter.node.internal;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * {@code statvfs(3)} through JNA: the sizes node_exporter reports ({@code blocks * bsize}, as
 * with its {@code statfs}) and the inode counts the JDK's {@code FileStore} does not offer. Only
 * on 64-bit Linux, where the struct layout below holds; elsewhere {@link #load()} answers null
 * and the collector uses {@code FileStore} without inode counts.
 */
final class NativeStatFs implements FilesystemCollector.StatFs {

    private static final Logger LOG = Logger.getLogger(NativeStatFs.class.getName());

    /** The C library's {@code statvfs}. */
    public interface LibC extends Library {
        int statvfs(String path, StatvfsStruct buf);
    }

    /** glibc's {@code struct statvfs} on LP64 (x86_64, aarch64): public for JNA's reflection. */
    @Structure.FieldOrder({"f_bsize", "f_frsize", "f_blocks", "f_bfree", "f_bavail", "f_files", "f_ffree", "f_favail",
            "f_fsid", "f_flag", "f_namemax", "f_spare"})
    public static final class StatvfsStruct extends Structure {
        public long f_bsize;
        public long f_frsize;
        public long f_blocks;
        public long f_bfree;
        public long f_bavail;
        public long f_files;
        public long f_ffree;
        public long f_favail;
        public long f_fsid;
        public long f_flag;
        public long f_namemax;
        public int[] f_spare = new int[6];
    }

    private final LibC libc;
    /** One struct per collector, reused: the collector calls from one thread at a time. */
    private final StatvfsStruct buf = new StatvfsStruct();

    private NativeStatFs(LibC libc) {
        this.libc = libc;
    }

    /** The native reader, or null when JNA or the C library cannot be used here. */
    static NativeStatFs load() {
        try {
            if (!System.getProperty("os.name", "").startsWith("Linux") || Native.LONG_SIZE != 8) {
                return null;
            }
            return new NativeStatFs(Native.load("c", LibC.class));
        } catch (Throwable e) {
            // LinkageError or a missing native library: inode counts are then left out.
            LOG.info("node exporter: statvfs through JNA unavailable (" + e + "); filesystem inode counts left out");
            return null;
        }
    }

    @Override
    public Result stat(Path mountPoint) {
        if (libc.statvfs(mountPoint.toString(), buf) != 0) {
            return null;
        }
        double bsize = buf.f_bsize;
        return new Result(buf.f_blocks * bsize, buf.f_bfree * bsize, buf.f_bavail * bsize, buf.f_files, buf.f_ffree);
    }
}

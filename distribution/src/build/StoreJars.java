import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Packaging step: rewrites the jars of the given folders with every entry stored instead of
 * deflated, the jars they embed too. The server's start profile had inflating class files at
 * ~11-13% of its Java threads' CPU: the AOT cache holds the bundles' classes, but an OSGi class
 * loader still reads each class's bytes from its jar (the JVM matches them against the cache), at
 * every start. The tarball stays about the size it was (gzip compresses the stored bytes); the
 * installed jars grow. Entries keep their order, names, times and comments; a jar that cannot be
 * rewritten is left as it was.
 *
 * <p>Usage: {@code java StoreJars.java DIR...} (a single-file program, no dependencies).
 */
public final class StoreJars {

    public static void main(String[] args) throws IOException {
        long before = 0;
        long after = 0;
        for (String dir : args) {
            Path folder = Path.of(dir);
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(folder, "*.jar")) {
                for (Path jar : jars) {
                    byte[] original = Files.readAllBytes(jar);
                    byte[] stored;
                    try {
                        stored = store(original);
                    } catch (IOException | RuntimeException e) {
                        System.err.println("StoreJars: " + jar + " left compressed: " + e);
                        continue;
                    }
                    Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
                    Files.write(tmp, stored);
                    Files.setLastModifiedTime(tmp, Files.getLastModifiedTime(jar));
                    Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
                    before += original.length;
                    after += stored.length;
                }
            }
        }
        System.out.printf("StoreJars: %.1f MB of jars stored uncompressed (%.1f MB)%n", before / 1e6, after / 1e6);
    }

    /** The jar's bytes with every entry stored, embedded jars rewritten the same way. */
    static byte[] store(byte[] jar) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(jar.length * 3);
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar));
             ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.setMethod(ZipOutputStream.STORED);
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                byte[] data = in.readAllBytes();
                if (!entry.isDirectory() && entry.getName().endsWith(".jar")) {
                    data = store(data);
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setMethod(ZipEntry.STORED);
                copy.setSize(data.length);
                copy.setCompressedSize(data.length);
                CRC32 crc = new CRC32();
                crc.update(data);
                copy.setCrc(crc.getValue());
                if (entry.getLastModifiedTime() != null) {
                    copy.setLastModifiedTime(entry.getLastModifiedTime());
                } else if (entry.getTime() != -1) {
                    copy.setTime(entry.getTime());
                }
                copy.setComment(entry.getComment());
                if (entry.getExtra() != null) {
                    copy.setExtra(entry.getExtra());
                }
                out.putNextEntry(copy);
                out.write(data);
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private StoreJars() {
    }
}

package io.promethium.push.internal;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/**
 * The persistence file of the pushed groups. Layout (big-endian): magic {@code PRMPUSH\0}, format
 * version (int, 1), group count, the groups, and a CRC-32 of everything before it. A group: key
 * labels, push and failure times (ns), time to live (ms), its families (name, help or none, type,
 * push time, metrics: labels, value, sum, count, points). Written to a temporary file in the same
 * folder, forced to disk and renamed over the old one, so a crash leaves either the old or the new
 * file, never a torn one.
 */
final class GroupFile {

    static final byte[] MAGIC = {'P', 'R', 'M', 'P', 'U', 'S', 'H', 0};
    static final int VERSION = 1;

    private GroupFile() {
    }

    static void write(Path file, List<MetricGroup> groups) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        try {
            writeAndRename(tmp, file, groups);
        } catch (IOException | RuntimeException e) {
            // A write cut short by a full disk leaves no half-written file holding the space it found.
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a folder; the rename itself is atomic.
        }
    }

    private static void writeAndRename(Path tmp, Path file, List<MetricGroup> groups) throws IOException {
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream raw = java.nio.channels.Channels.newOutputStream(channel);
            CRC32 crc = new CRC32();
            DataOutputStream out = new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), crc));
            out.write(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(groups.size());
            for (MetricGroup g : groups) {
                writeGroup(out, g);
            }
            out.flush();
            new DataOutputStream(raw).writeInt((int) crc.getValue());
            channel.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The groups in {@code file}; an empty list when it does not exist. */
    static List<MetricGroup> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < MAGIC.length + 12) {
            throw new IOException(file + ": " + bytes.length + " bytes, too short for a push persistence file");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw new IOException(file + ": not a push persistence file (magic number differs)");
            }
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        int stored = ((bytes[bytes.length - 4] & 0xff) << 24) | ((bytes[bytes.length - 3] & 0xff) << 16)
                | ((bytes[bytes.length - 2] & 0xff) << 8) | (bytes[bytes.length - 1] & 0xff);
        if (stored != (int) crc.getValue()) {
            throw new IOException(file + ": checksum " + Integer.toHexString(stored) + " expected, computed "
                    + Integer.toHexString((int) crc.getValue()) + " (file damaged)");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, MAGIC.length, bytes.length - MAGIC.length - 4));
        int version = in.readInt();
        if (version != VERSION) {
            throw new IOException(file + ": format version " + version + ", this server reads version " + VERSION);
        }
        try {
            int n = in.readInt();
            List<MetricGroup> groups = new ArrayList<>(Math.min(n, 1 << 16));
            for (int i = 0; i < n; i++) {
                groups.add(readGroup(in));
            }
            return groups;
        } catch (EOFException | IllegalArgumentException | NullPointerException e) {
            throw new IOException(file + ": inconsistent content: " + e, e);
        }
    }

    private static void writeGroup(DataOutputStream out, MetricGroup g) throws IOException {
        out.writeInt(g.key().labels().size());
        for (Map.Entry<String, String> e : g.key().labels().entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
        out.writeLong(g.pushTimeNanos());
        out.writeLong(g.failureTimeNanos());
        out.writeLong(g.ttlMillis());
        out.writeInt(g.families().size());
        for (MetricGroup.StoredFamily sf : g.families().values()) {
            MetricFamily f = sf.family();
            writeString(out, f.name());
            out.writeBoolean(f.help() != null);
            if (f.help() != null) {
                writeString(out, f.help());
            }
            out.writeByte(f.type().protoNumber);
            out.writeLong(sf.pushTimeNanos());
            out.writeInt(f.metrics().size());
            for (PushedMetric m : f.metrics()) {
                out.writeInt(m.labels().size());
                for (LabelPair l : m.labels()) {
                    writeString(out, l.name());
                    writeString(out, l.value());
                }
                out.writeDouble(m.value());
                out.writeDouble(m.sum());
                out.writeDouble(m.count());
                out.writeInt(m.points().size());
                for (PushedMetric.Point p : m.points()) {
                    out.writeDouble(p.key());
                    out.writeDouble(p.value());
                }
            }
        }
    }

    private static MetricGroup readGroup(DataInputStream in) throws IOException {
        int keySize = in.readInt();
        TreeMap<String, String> key = new TreeMap<>();
        for (int i = 0; i < keySize; i++) {
            key.put(readString(in), readString(in));
        }
        long push = in.readLong();
        long failure = in.readLong();
        long ttl = in.readLong();
        int familyCount = in.readInt();
        Map<String, MetricGroup.StoredFamily> families = new HashMap<>();
        for (int i = 0; i < familyCount; i++) {
            String name = readString(in);
            String help = in.readBoolean() ? readString(in) : null;
            FamilyType type;
            try {
                type = FamilyType.ofProto(in.readByte());
            } catch (PushException e) {
                throw new IOException(e.getMessage(), e);
            }
            long time = in.readLong();
            int metricCount = in.readInt();
            List<PushedMetric> metrics = new ArrayList<>(Math.min(metricCount, 1 << 16));
            for (int j = 0; j < metricCount; j++) {
                int labelCount = in.readInt();
                List<LabelPair> labels = new ArrayList<>(Math.min(labelCount, 256));
                for (int k = 0; k < labelCount; k++) {
                    labels.add(new LabelPair(readString(in), readString(in)));
                }
                double value = in.readDouble();
                double sum = in.readDouble();
                double count = in.readDouble();
                int pointCount = in.readInt();
                List<PushedMetric.Point> points = new ArrayList<>(Math.min(pointCount, 1 << 12));
                for (int k = 0; k < pointCount; k++) {
                    points.add(new PushedMetric.Point(in.readDouble(), in.readDouble()));
                }
                metrics.add(new PushedMetric(labels, value, sum, count, points, false));
            }
            families.put(name, new MetricGroup.StoredFamily(new MetricFamily(name, help, type, metrics), time));
        }
        return new MetricGroup(new GroupingKey(key), families, push, failure, ttl);
    }

    /** Strings of any length (writeUTF stops at 64 KiB): length and UTF-8 bytes. */
    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("string of " + n + " bytes past the end of the file");
        }
        byte[] b = in.readNBytes(n);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
}

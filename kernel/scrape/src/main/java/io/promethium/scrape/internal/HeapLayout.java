package io.promethium.scrape.internal;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;

/**
 * Object sizes of this JVM for the scrape caches' heap estimates, computed as Lucene's
 * {@code RamUsageEstimator} does (header, fields, 8-byte alignment) without depending on it. The
 * layout is read once from the JVM's options: compact object headers (8-byte header and 12-byte
 * array header; {@code bin/promethium} turns them on) or the classic 12 and 16 bytes; 4-byte
 * references unless compressed oops are off ({@code -XX:-UseCompressedOops} or a heap of 32 GB
 * or more). Field packing gaps are ignored, so a shallow size is exact or a few bytes short.
 */
final class HeapLayout {

    static final int OBJECT_HEADER;
    static final int ARRAY_HEADER;
    static final int REF;
    private static final int ALIGN = 8;

    static {
        List<String> args = List.of();
        try {
            args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        } catch (RuntimeException | LinkageError e) {
            // No management module: the classic layout, which overestimates a compact heap slightly.
        }
        boolean compact = args.contains("-XX:+UseCompactObjectHeaders");
        boolean compressedOops = !args.contains("-XX:-UseCompressedOops") && Runtime.getRuntime().maxMemory() < (32L << 30);
        OBJECT_HEADER = compact ? 8 : 12;
        // The header plus the int length.
        ARRAY_HEADER = OBJECT_HEADER + 4;
        REF = compressedOops ? 4 : 8;
    }

    private HeapLayout() {
    }

    static long align(long size) {
        return (size + ALIGN - 1) & -ALIGN;
    }

    static long bytes(int length) {
        return align(ARRAY_HEADER + (long) length);
    }

    static long ints(int length) {
        return align(ARRAY_HEADER + 4L * length);
    }

    static long refs(int length) {
        return align(ARRAY_HEADER + (long) REF * length);
    }

    /** A string of Latin-1 characters (label and help texts mostly are): the object and its byte array. */
    static long string(String s) {
        return STRING + bytes(s.length());
    }

    private static final long STRING = shallow(String.class);

    /** An instance's own bytes (header and fields, inherited ones too), not what it points to. */
    static long shallow(Class<?> type) {
        long size = OBJECT_HEADER;
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                Class<?> t = f.getType();
                size += t == long.class || t == double.class ? 8
                        : t == int.class || t == float.class ? 4
                        : t == short.class || t == char.class ? 2
                        : t == byte.class || t == boolean.class ? 1
                        : REF;
            }
        }
        return align(size);
    }
}

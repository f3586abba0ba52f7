package io.promethium.promql.engine.internal.eval;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * Object sizes of this JVM for the parse cache's heap estimate, computed as Lucene's
 * {@code RamUsageEstimator} does (header, fields, 8-byte alignment). The layout is asked of the
 * JVM itself (HotSpot's diagnostic bean, so ergonomic choices count too): compact object headers
 * (8-byte header; {@code bin/promethium} turns them on) or 12 bytes (16 without compressed class
 * pointers); 4-byte references unless compressed oops are off. Field packing gaps are ignored, so
 * a shallow size is exact or a few bytes short. kernel/scrape keeps a sibling of this class: a
 * bundle does not reach into another's internals, and the exported API is no place for it.
 */
final class ObjectLayout {

    final int header;
    final int arrayHeader;
    final int ref;
    private final long stringShallow;

    private ObjectLayout(int header, int ref) {
        this.header = header;
        // The header plus the int length.
        this.arrayHeader = header + 4;
        this.ref = ref;
        this.stringShallow = shallow(String.class);
    }

    /** The layout of the running JVM; the classic one (12-byte headers, 4-byte references) when it cannot say. */
    static ObjectLayout ofThisJvm() {
        boolean compact = option("UseCompactObjectHeaders", false);
        boolean compressedClass = option("UseCompressedClassPointers", true);
        boolean compressedOops = option("UseCompressedOops", true);
        return new ObjectLayout(compact ? 8 : compressedClass ? 12 : 16, compressedOops ? 4 : 8);
    }

    private static boolean option(String name, boolean fallback) {
        try {
            return Boolean.parseBoolean(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption(name).getValue());
        } catch (IllegalArgumentException e) {
            // A JVM that does not know the option (compact headers before JDK 24).
            return fallback;
        } catch (RuntimeException | LinkageError e) {
            // No jdk.management module, or not HotSpot.
            return fallback;
        }
    }

    static long align(long size) {
        return (size + 7) & -8L;
    }

    long bytes(int length) {
        return align(arrayHeader + (long) length);
    }

    long refs(int length) {
        return align(arrayHeader + (long) ref * length);
    }

    /** A string and its byte array: one byte a character when all are Latin-1 (compact strings), else two. */
    long string(String s) {
        boolean latin1 = true;
        for (int i = 0; i < s.length() && latin1; i++) {
            latin1 = s.charAt(i) < 256;
        }
        return stringShallow + bytes(latin1 ? s.length() : 2 * s.length());
    }

    /** An instance's own bytes (header and fields, inherited ones too), not what it points to. */
    long shallow(Class<?> type) {
        long size = header;
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
                        : ref;
            }
        }
        return align(size);
    }
}

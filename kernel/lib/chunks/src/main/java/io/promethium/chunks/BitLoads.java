package io.promethium.chunks;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Bits of a chunk by 8-byte loads, for decoders' loops that keep the bit position in a local
 * rather than in a {@link BitReader} (a call and a field write per field cost a long range query
 * most of its decoding time). The caller keeps the loads within the array and checks the bits it
 * consumed against the chunk's end.
 */
final class BitLoads {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private BitLoads() {
    }

    /** The bits from bit {@code position} on, most significant first: 57 or more are the array's. */
    static long at(byte[] buf, long position) {
        return (long) LONG.get(buf, (int) (position >>> 3)) << (position & 7);
    }

    /** The {@code count} (1 to 64) bits from bit {@code position} on; reads up to 12 bytes from its byte. */
    static long at(byte[] buf, long position, int count) {
        if (count <= 57) {
            return at(buf, position) >>> (64 - count);
        }
        return at(buf, position) >>> 32 << (count - 32) | at(buf, position + 32) >>> (96 - count);
    }
}

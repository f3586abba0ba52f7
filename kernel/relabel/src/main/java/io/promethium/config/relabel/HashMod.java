package io.promethium.config.relabel;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The {@code hashmod} hash of Prometheus: MD5 of the UTF-8 value, the last 8 bytes of the digest
 * read as a big-endian unsigned 64-bit number, modulo the modulus. Same inputs give the same
 * shard as in Prometheus, so sharded setups can mix both.
 */
final class HashMod {

    private HashMod() {
    }

    static long of(String value, long modulus) {
        byte[] digest = md5().digest(value.getBytes(StandardCharsets.UTF_8));
        long sum = 0;
        for (int i = 8; i < 16; i++) {
            sum = (sum << 8) | (digest[i] & 0xffL);
        }
        return Long.remainderUnsigned(sum, modulus);
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java platform", e);
        }
    }
}

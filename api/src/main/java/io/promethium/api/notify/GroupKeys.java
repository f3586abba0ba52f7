package io.promethium.api.notify;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Alertmanager's hash of a group key: the SHA-256 of its UTF-8 bytes in lower-case hex. It is
 * the key a service uses to tie a group's trigger and resolve together (PagerDuty's
 * {@code dedup_key}, Opsgenie's {@code alias}, VictorOps' {@code entity_id}, ...).
 *
 * @since 1.4
 */
public final class GroupKeys {

    private GroupKeys() {
    }

    /** The hash of {@code groupKey} ({@link Notification#groupKey()}), 64 hex digits. */
    public static String hash(String groupKey) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(groupKey.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}

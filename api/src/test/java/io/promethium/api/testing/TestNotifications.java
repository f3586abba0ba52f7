package io.promethium.api.testing;

import io.promethium.api.model.Labels;
import io.promethium.api.notify.Alert;
import io.promethium.api.notify.Notification;
import java.time.Instant;
import java.util.List;

/** Sample notifications for notifier tests. */
public final class TestNotifications {

    /** The group key of {@link #diskFull}. */
    public static final String DISK_FULL_GROUP_KEY = "{}:{alertname=\"DiskFull\"}";

    private TestNotifications() {
    }

    /**
     * One alert {@code DiskFull} on {@code instance="db1"} (summary "disk 97% full", started
     * 2024-01-01T00:00:00Z, resolved ten minutes later when {@code resolved}), grouped by
     * {@code alertname} for receiver {@code team}, external URL {@code http://am.example}.
     */
    public static Notification diskFull(boolean resolved) {
        Alert a = new Alert(Labels.of("alertname", "DiskFull", "instance", "db1"), Labels.of("summary", "disk 97% full"),
                Instant.parse("2024-01-01T00:00:00Z"), resolved ? Instant.parse("2024-01-01T00:10:00Z") : null, "http://prom/graph");
        return new Notification("team", !resolved, List.of(a), Labels.of("alertname", "DiskFull"),
                Labels.of("alertname", "DiskFull", "instance", "db1"), Labels.of("summary", "disk 97% full"),
                "http://am.example", DISK_FULL_GROUP_KEY);
    }
}

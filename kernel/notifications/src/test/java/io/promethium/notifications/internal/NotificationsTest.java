package io.promethium.notifications.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.testing.RoutesServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class NotificationsTest {

    private final AtomicLong millis = new AtomicLong(1_000);
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    };
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void addingAgainRefreshesTheDateAndDeletingSendsTheNotificationOnceMoreInactive() throws Exception {
        Notifications n = new Notifications(16, clock);
        n.add(Notifications.CONFIGURATION_UNSUCCESSFUL);
        try (Notifications.Subscription live = n.subscribe()) {
            assertThat(live.next(1000)).isEqualTo(new Notifications.Notification(Notifications.CONFIGURATION_UNSUCCESSFUL,
                    Instant.ofEpochMilli(1_000), true));
            millis.set(5_000);
            n.add(Notifications.CONFIGURATION_UNSUCCESSFUL);
            assertThat(n.list()).containsExactly(new Notifications.Notification(Notifications.CONFIGURATION_UNSUCCESSFUL,
                    Instant.ofEpochMilli(5_000), true));
            assertThat(live.next(1000).date()).isEqualTo(Instant.ofEpochMilli(5_000));
            n.delete(Notifications.CONFIGURATION_UNSUCCESSFUL);
            assertThat(n.list()).isEmpty();
            assertThat(live.next(1000).active()).isFalse();
            assertThat(n.updatesSent()).isEqualTo(2);
        }
        assertThat(n.activeSubscribers()).isZero();
    }

    @Test
    void subscribersBeyondTheLimitAreDeniedAndASlowOneMissesUpdatesCounted() {
        Notifications n = new Notifications(1, clock);
        Notifications.Subscription first = n.subscribe();
        assertThat(first).isNotNull();
        assertThat(n.subscribe()).as("--web.max-notifications-subscribers=1").isNull();
        for (int i = 0; i < Notifications.QUEUE + 3; i++) {
            n.add("n" + i);
        }
        assertThat(n.updatesDropped()).isEqualTo(3);
        first.close();
        assertThat(n.subscribe()).as("a slot freed").isNotNull();
    }

    @Test
    void theApiListsTheActiveNotificationsAndStreamsUpdatesAsServerSentEvents() throws Exception {
        Notifications n = new Notifications(1, clock);
        n.add(Notifications.STARTING_UP);
        try (RoutesServer server = new RoutesServer(new NotificationRoutes(n))) {
            HttpResponse<String> list = client.send(HttpRequest.newBuilder(server.uri("/api/v1/notifications")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(list.body()).isEqualTo("{\"status\":\"success\",\"data\":[{\"text\":\"" + Notifications.STARTING_UP
                    + "\",\"date\":\"1970-01-01T00:00:01Z\",\"active\":true}]}");

            HttpResponse<java.io.InputStream> live = client.send(HttpRequest.newBuilder(server.uri("/api/v1/notifications/live")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(live.headers().firstValue("Content-Type")).hasValue("text/event-stream");
            try (BufferedReader events = new BufferedReader(new InputStreamReader(live.body(), StandardCharsets.UTF_8))) {
                assertThat(events.readLine()).startsWith("data: {\"text\":\"" + Notifications.STARTING_UP).endsWith("\"active\":true}");
                assertThat(events.readLine()).isEmpty();
                HttpResponse<String> denied = client.send(HttpRequest.newBuilder(server.uri("/api/v1/notifications/live")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(denied.statusCode()).as("beyond the subscriber limit").isEqualTo(204);
                n.delete(Notifications.STARTING_UP);
                assertThat(events.readLine()).startsWith("data: {\"text\":\"" + Notifications.STARTING_UP).endsWith("\"active\":false}");
            }
        }
    }
}

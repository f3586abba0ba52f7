package io.promethium.scrape.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import org.junit.jupiter.api.Test;

class StaleMarkersTest {

    private final MemoryStorage storage = new MemoryStorage();

    private static SeriesCache.Entry entry(SeriesCache cache, String name, boolean explicitTimestamp, boolean dropped) {
        byte[] key = name.getBytes();
        SeriesCache.Entry e = cache.put(key.length, SeriesCache.hash(key, 0, key.length), dropped ? null : Labels.of("__name__", name));
        e.explicitTimestamp(explicitTimestamp);
        return e;
    }

    private boolean markedStale(String name, long t) {
        Double v = storage.valueAt(Labels.of("__name__", name), t);
        return v != null && io.promethium.api.model.StaleMarker.isStale(v);
    }

    @Test
    void aVanishedSeriesIsMarkedStaleInTheBatchAtItsTimestamp() {
        SeriesCache cache = new SeriesCache();
        StaleMarkers markers = new StaleMarkers(false, new ScrapeMetrics());
        Appender app = storage.appender();
        markers.into(app, 5_000);
        markers.vanished(entry(cache, "a", false, false));
        app.commit();
        markers.done();

        assertThat(markedStale("a", 5_000)).isTrue();
    }

    @Test
    void seriesWithTheirOwnTimestampsAreMarkedOnlyWithTrackTimestampsStaleness() {
        SeriesCache cache = new SeriesCache();
        Appender app = storage.appender();
        StaleMarkers untracked = new StaleMarkers(false, new ScrapeMetrics());
        untracked.into(app, 5_000);
        untracked.vanished(entry(cache, "own", true, false));
        StaleMarkers tracked = new StaleMarkers(true, new ScrapeMetrics());
        tracked.into(app, 5_000);
        tracked.vanished(entry(cache, "tracked", true, false));
        app.commit();

        assertThat(markedStale("own", 5_000)).isFalse();
        assertThat(markedStale("tracked", 5_000)).isTrue();
    }

    @Test
    void aSeriesDroppedByRelabelingGetsNoMarker() {
        SeriesCache cache = new SeriesCache();
        StaleMarkers markers = new StaleMarkers(true, new ScrapeMetrics());
        Appender app = storage.appender();
        markers.into(app, 5_000);
        markers.vanished(entry(cache, "dropped", false, true));
        app.commit();

        assertThat(storage.all()).isEmpty();
    }
}

package io.promethium.scrape.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Metadata;
import io.promethium.exposition.ExpositionFormat;
import io.promethium.exposition.HistogramOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataPassTest {

    private static final String PAGE = "# HELP a_total Requests.\n# TYPE a_total counter\na_total 1\n# TYPE b gauge\nb 2\n";
    private static final ExpositionFormat TEXT = ExpositionFormat.PROMETHEUS_TEXT_0_0_4;

    @Test
    void aRefreshReadsTheFamiliesOfThePage() throws Exception {
        MetadataPass pass = new MetadataPass(HistogramOptions.CLASSIC, new SharedMetadata(), null);
        assertThat(pass.current()).isEmpty();
        pass.refresh(TEXT, PageAppenderTest.page(PAGE));

        Map<String, Metadata> families = pass.current();
        assertThat(families).containsOnlyKeys("a_total", "b");
        assertThat(families.get("a_total").help()).isEqualTo("Requests.");
        assertThat(families.get("b").type()).isEqualTo(io.promethium.api.model.MetricType.GAUGE);
    }

    @Test
    void unchangedCommentLinesKeepTheMapAndChangedOnesReplaceIt() throws Exception {
        MetadataPass pass = new MetadataPass(HistogramOptions.CLASSIC, new SharedMetadata(), null);
        pass.refresh(TEXT, PageAppenderTest.page(PAGE));
        Map<String, Metadata> first = pass.current();
        // Other sample values, the same comment lines.
        pass.refresh(TEXT, PageAppenderTest.page(PAGE.replace("a_total 1", "a_total 9")));
        assertThat(pass.current()).isSameAs(first);

        pass.refresh(TEXT, PageAppenderTest.page(PAGE.replace("Requests.", "All requests.")));
        assertThat(pass.current()).isNotSameAs(first);
        assertThat(pass.current().get("a_total").help()).isEqualTo("All requests.");
    }

    @Test
    void targetsWithTheSameCommentLinesShareOneMap() throws Exception {
        SharedMetadata shared = new SharedMetadata();
        MetadataPass one = new MetadataPass(HistogramOptions.CLASSIC, shared, null);
        MetadataPass two = new MetadataPass(HistogramOptions.CLASSIC, shared, null);
        one.refresh(TEXT, PageAppenderTest.page(PAGE));
        two.refresh(TEXT, PageAppenderTest.page(PAGE.replace("b 2", "b 3")));
        assertThat(two.current()).isSameAs(one.current());
    }

    @Test
    void aReplacementPassCarriesTheMetadataOn() throws Exception {
        SharedMetadata shared = new SharedMetadata();
        MetadataPass old = new MetadataPass(HistogramOptions.CLASSIC, shared, null);
        old.refresh(TEXT, PageAppenderTest.page(PAGE));
        MetadataPass next = new MetadataPass(HistogramOptions.CLASSIC, shared, old);
        assertThat(next.current()).isSameAs(old.current());
    }

    @Test
    void afterThePageNewSeriesGetTheirFamilysMetadataOnlyWhenNew() throws Exception {
        MemoryStorage storage = new MemoryStorage();
        MetadataPass pass = new MetadataPass(HistogramOptions.CLASSIC, new SharedMetadata(), null);
        SeriesCache cache = new SeriesCache();
        byte[] key = "a_total".getBytes();
        SeriesCache.Entry entry = cache.put(key.length, SeriesCache.hash(key, 0, key.length),
                io.promethium.api.model.Labels.of("__name__", "a_total", "job", "j"));
        SeriesCache.Entry[] fresh = {entry};
        io.promethium.api.storage.Appender app = storage.appender();
        pass.afterPage(app, TEXT, PageAppenderTest.page(PAGE), false, false, fresh, 1);
        app.commit();

        assertThat(fresh[0]).isNull();
        assertThat(storage.metadata.get(entry.labels).help()).isEqualTo("Requests.");
        // No new series and not a periodic scrape: the page is not read.
        MetadataPass idle = new MetadataPass(HistogramOptions.CLASSIC, new SharedMetadata(), null);
        idle.afterPage(storage.appender(), TEXT, PageAppenderTest.page(PAGE), false, false, fresh, 0);
        assertThat(idle.current()).isEmpty();
        idle.afterPage(storage.appender(), TEXT, PageAppenderTest.page(PAGE), false, true, fresh, 0);
        assertThat(idle.current()).containsOnlyKeys("a_total", "b");
    }
}

package io.promethium.scrape.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeriesCacheTest {

    private final SeriesCache cache = new SeriesCache();
    private long iteration;
    private long lastSuccess = -1;
    private Map<String, SeriesCache.Entry> previous = new HashMap<>();

    /** Scrapes a page of series keys as the scrape loop does; returns the entries in page order. */
    private List<SeriesCache.Entry> scrape(List<String> keys, Set<String> vanished) {
        List<SeriesCache.Entry> entries = read(keys);
        cache.commit(e -> vanished.add(e.labels.metricName()));
        lastSuccess = iteration;
        return entries;
    }

    /** A scrape that reads the page, then fails (as by sample_limit after its last series); returns what it reported vanished. */
    private Set<String> failedScrape(List<String> keys) {
        read(keys);
        Set<String> vanished = new HashSet<>();
        cache.fail(e -> vanished.add(e.labels.metricName()));
        lastSuccess = -1;
        return vanished;
    }

    /** The series the cache would mark stale at the end of the run. */
    private Set<String> live() {
        Set<String> live = new HashSet<>();
        if (lastSuccess >= 0) {
            cache.forEachLive(e -> live.add(e.labels.metricName()));
        }
        return live;
    }

    /** Reads a page's series into the cache without ending the scrape (an exception ends it so). */
    private List<SeriesCache.Entry> read(List<String> keys) {
        iteration++;
        cache.begin();
        byte[] page = String.join("\n", keys).getBytes(StandardCharsets.UTF_8);
        List<SeriesCache.Entry> entries = new ArrayList<>();
        int off = 0;
        for (int i = 0; i < keys.size(); i++) {
            int len = keys.get(i).getBytes(StandardCharsets.UTF_8).length;
            // Every other scrape as protobuf's, whose bytes are not left in the page.
            SeriesCache.Entry e = cache.predicted(i, page, off, len, iteration % 2 == 0);
            if (e == null) {
                int hash = SeriesCache.hash(page, off, len);
                e = cache.get(page, off, len, hash);
                if (e == null) {
                    e = cache.put(len, hash, Labels.of("__name__", keys.get(i)));
                }
            }
            cache.touch(e, page, off, len);
            entries.add(e);
            off += len + 1;
        }
        return entries;
    }

    @Test
    void aSeriesKeepsItsEntryWhileOnThePageWhateverTheOrderAndVanishedOnesAreReported() {
        Random random = new Random(21);
        List<String> pool = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            pool.add("series_" + i + "{label=\"" + "x".repeat(i % 7) + "\"}");
        }
        List<String> page = new ArrayList<>(pool.subList(0, 40));
        for (int round = 0; round < 400; round++) {
            switch (random.nextInt(6)) {
                case 0 -> page.add(random.nextInt(page.size() + 1), pool.get(random.nextInt(pool.size())));
                case 1 -> {
                    if (!page.isEmpty()) {
                        page.remove(random.nextInt(page.size()));
                    }
                }
                case 2 -> java.util.Collections.swap(page, random.nextInt(page.size()), random.nextInt(page.size()));
                case 3 -> {
                    if (round % 50 == 3) {
                        // A failed scrape: everything seen last time vanishes and the cache empties.
                        Set<String> vanished = new HashSet<>();
                        iteration++;
                        cache.fail(e -> vanished.add(e.labels.metricName()));
                        assertThat(vanished).isEqualTo(previous.keySet());
                        assertThat(cache.size()).isZero();
                        lastSuccess = -1;
                        previous = new HashMap<>();
                    }
                }
                default -> {
                    // The steady state: the same page again.
                }
            }
            Set<String> vanished = new HashSet<>();
            List<SeriesCache.Entry> entries = scrape(page, vanished);
            Map<String, SeriesCache.Entry> now = new HashMap<>();
            for (int i = 0; i < page.size(); i++) {
                String key = page.get(i);
                SeriesCache.Entry e = entries.get(i);
                assertThat(e.labels.metricName()).as("round %d: entry of %s", round, key).isEqualTo(key);
                if (previous.containsKey(key)) {
                    assertThat(e).as("round %d: %s keeps its entry", round, key).isSameAs(previous.get(key));
                }
                SeriesCache.Entry first = now.putIfAbsent(key, e);
                if (first != null) {
                    assertThat(e).as("a repeat within the page finds the same entry").isSameAs(first);
                }
            }
            Set<String> gone = new HashSet<>(previous.keySet());
            gone.removeAll(now.keySet());
            assertThat(vanished).as("round %d", round).isEqualTo(gone);
            assertThat(cache.size()).isEqualTo(now.size());
            previous = now;
        }
    }

    @Test
    void anEmptyPageAfterAFullOneReportsEverySeriesVanished() {
        scrape(List.of("a", "b", "c"), new HashSet<>());
        Set<String> vanished = new HashSet<>();
        scrape(List.of(), vanished);
        assertThat(vanished).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(cache.size()).isZero();
        List<SeriesCache.Entry> again = scrape(List.of("b"), new HashSet<>());
        assertThat(again).hasSize(1);
        assertThat(cache.size()).isOne();
    }

    @Test
    void aShorterPageWithTheSamePrefixKeepsThePrefixAndDropsTheRest() {
        List<SeriesCache.Entry> first = scrape(List.of("a", "b", "c", "d"), new HashSet<>());
        Set<String> vanished = new HashSet<>();
        List<SeriesCache.Entry> second = scrape(List.of("a", "b"), vanished);
        assertThat(second).containsExactly(first.get(0), first.get(1));
        assertThat(vanished).containsExactlyInAnyOrder("c", "d");
        List<SeriesCache.Entry> third = scrape(List.of("a", "b", "c"), new HashSet<>());
        assertThat(third.subList(0, 2)).containsExactly(first.get(0), first.get(1));
        assertThat(third.get(2)).as("c left and came back: a new entry").isNotSameAs(first.get(2));
    }

    @Test
    void aScrapeEndedByAnExceptionLeavesNoStrayEntryWhenTheNextPageGrowsTheTable() {
        List<String> before = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            before.add("kept_" + i);
        }
        List<SeriesCache.Entry> first = scrape(before, new HashSet<>());
        // A scrape that touches old and new series, then ends without commit or fail.
        iteration++;
        cache.begin();
        byte[] page = "kept_0\nnew_a\nnew_b".getBytes(StandardCharsets.UTF_8);
        int off = 0;
        for (String key : List.of("kept_0", "new_a", "new_b")) {
            int len = key.length();
            SeriesCache.Entry e = cache.predicted(0, page, off, len, true);
            if (e == null) {
                int hash = SeriesCache.hash(page, off, len);
                e = cache.get(page, off, len, hash);
                if (e == null) {
                    e = cache.put(len, hash, Labels.of("__name__", key));
                }
            }
            cache.touch(e, page, off, len);
            off += len + 1;
        }
        // The next page has 200 new series: the table grows several times while it is read.
        List<String> next = new ArrayList<>(before);
        for (int i = 0; i < 200; i++) {
            next.add(i % 2 == 0 ? 5 : next.size(), "grown_" + i);
        }
        next.add("new_a");
        Set<String> vanished = new HashSet<>();
        List<SeriesCache.Entry> entries = scrape(next, vanished);
        assertThat(vanished).isEmpty();
        assertThat(cache.size()).isEqualTo(next.size());
        for (int i = 0; i < next.size(); i++) {
            assertThat(entries.get(i).labels.metricName()).isEqualTo(next.get(i));
        }
        assertThat(entries.get(next.indexOf("kept_3"))).isSameAs(first.get(3));
        List<SeriesCache.Entry> again = scrape(next, vanished);
        assertThat(again).isEqualTo(entries);
    }

    @Test
    void aFailedScrapeBetweenTwoSuccessfulOnesMarksTheFirstOnesSeriesStaleOnce() {
        List<SeriesCache.Entry> first = scrape(List.of("a", "b", "c"), new HashSet<>());
        // The failed page read some series again and a new one before failing.
        assertThat(failedScrape(List.of("b", "x", "a"))).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(cache.size()).isZero();
        assertThat(live()).isEmpty();
        Set<String> vanished = new HashSet<>();
        List<SeriesCache.Entry> second = scrape(List.of("a", "b"), vanished);
        assertThat(vanished).as("marked stale by the failed scrape already").isEmpty();
        assertThat(second.get(0)).as("the cache emptied: a new entry").isNotSameAs(first.get(0));
        scrape(List.of("a"), vanished);
        assertThat(vanished).containsExactly("b");
        assertThat(live()).containsExactly("a");
    }

    @Test
    void twoFailedScrapesInARowMarkNothingTheSecondTime() {
        scrape(List.of("a", "b"), new HashSet<>());
        assertThat(failedScrape(List.of("a"))).containsExactlyInAnyOrder("a", "b");
        assertThat(failedScrape(List.of("a", "c"))).isEmpty();
        assertThat(cache.size()).isZero();
    }

    @Test
    void aScrapeEndedByAnExceptionLeavesTheLastSuccessfulScrapesSeriesToBeMarkedStale() {
        List<SeriesCache.Entry> first = scrape(List.of("a", "b", "c", "d"), new HashSet<>());
        // Touches old series out of order and a new one, then ends without commit or fail.
        read(List.of("c", "x", "a", "a"));
        assertThat(live()).as("the end of the run marks the last success's series").containsExactlyInAnyOrder("a", "b", "c", "d");
        Set<String> vanished = new HashSet<>();
        List<SeriesCache.Entry> next = scrape(List.of("a", "c", "y"), vanished);
        assertThat(vanished).containsExactlyInAnyOrder("b", "d");
        assertThat(next.get(0)).isSameAs(first.get(0));
        assertThat(next.get(1)).isSameAs(first.get(2));
        assertThat(cache.size()).isEqualTo(3);
        assertThat(live()).containsExactlyInAnyOrder("a", "c", "y");
    }

    @Test
    void aFailedScrapeAfterOneEndedByAnExceptionMarksTheLastSuccessfulScrapesSeries() {
        scrape(List.of("a", "b", "c"), new HashSet<>());
        read(List.of("b", "x"));
        assertThat(failedScrape(List.of("c", "y"))).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(cache.size()).isZero();
    }

    @Test
    void aSeriesRepeatedAtItsOldPlaceAfterThePageLeftTheOrderKeepsOneEntry() {
        List<SeriesCache.Entry> first = scrape(List.of("a", "b"), new HashSet<>());
        Set<String> vanished = new HashSet<>();
        // The second b is where the previous page had it: found by the page order, already read.
        List<SeriesCache.Entry> second = scrape(List.of("b", "b"), vanished);
        assertThat(second).containsExactly(first.get(1), first.get(1));
        assertThat(vanished).containsExactly("a");
        assertThat(cache.size()).isOne();
        assertThat(scrape(List.of("b", "a"), vanished)).startsWith(first.get(1));
        assertThat(cache.size()).isEqualTo(2);
    }
}

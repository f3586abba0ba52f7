package io.promethium.tsdb.internal.block;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlockListingsTest {

    private static BlockListings.Listing listing(int docs) {
        return new BlockListings.Listing(new int[docs], new Labels[docs], new long[docs], new long[docs]);
    }

    private static List<Matcher> name(String metric) {
        return List.of(Matcher.equal(Labels.METRIC_NAME, metric));
    }

    @Test
    void keepsListingsByMatchersAndEvictsTheLeastRecentlyUsedOverTheBound() {
        BlockListings listings = new BlockListings();
        int quarter = BlockListings.MAX_LISTING;
        for (int i = 0; i < 4; i++) {
            listings.put(name("m" + i), listing(quarter));
        }
        assertThat(listings.get(List.of(Matcher.equal(Labels.METRIC_NAME, "m0")))).isNotNull();

        listings.put(name("m4"), listing(1)); // over the bound: m1, the least recently used, goes

        assertThat(listings.get(name("m1"))).isNull();
        assertThat(listings.get(name("m0"))).isNotNull();
        assertThat(listings.get(name("m4"))).isNotNull();
        assertThat(listings.size()).isEqualTo(3 * quarter + 1);
    }

    @Test
    void doesNotKeepAListingOfMoreThanAQuarterOfTheBound() {
        BlockListings listings = new BlockListings();
        listings.put(name("big"), listing(BlockListings.MAX_LISTING + 1));
        assertThat(listings.get(name("big"))).isNull();
        assertThat(listings.size()).isZero();
    }
}

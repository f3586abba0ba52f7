package io.promethium.api.storage;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import java.util.List;
import java.util.Objects;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The exemplars a storage keeps, behind {@code /api/v1/query_exemplars} (since 1.3.0). A storage
 * that keeps exemplars registers this service next to its {@link Storage}; the HTTP API answers
 * an empty list when none is registered. Thread-safe.
 */
@ConsumerType
public interface ExemplarQueryable {

    /** One series' exemplars, oldest first. */
    record SeriesExemplars(Labels seriesLabels, List<Exemplar> exemplars) {
        public SeriesExemplars {
            Objects.requireNonNull(seriesLabels, "seriesLabels is null");
            exemplars = List.copyOf(exemplars);
        }
    }

    /**
     * The exemplars with {@code start <= timestamp <= end} (ms) of the series that match any of
     * the matcher sets (each set ANDed, as the selectors of a query), series in label order.
     */
    List<SeriesExemplars> selectExemplars(long start, long end, List<List<Matcher>> matcherSets);
}

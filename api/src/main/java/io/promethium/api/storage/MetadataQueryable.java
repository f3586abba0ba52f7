package io.promethium.api.storage;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.model.Metadata;
import java.util.List;
import java.util.Objects;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The metadata ({@code # TYPE}, {@code # HELP}, {@code # UNIT}) a storage keeps per series,
 * behind {@code /api/v1/metadata} and {@code /api/v1/targets/metadata} (since 1.5.0). A storage
 * that records what {@link Appender#updateMetadata} hands it, and keeps it across a restart,
 * registers this service next to its {@link Storage}; the HTTP API answers empty lists when none
 * is registered. Thread-safe.
 */
@ConsumerType
public interface MetadataQueryable {

    /** One series and the metadata last recorded for it. */
    record SeriesMetadata(Labels seriesLabels, Metadata metadata) {
        public SeriesMetadata {
            Objects.requireNonNull(seriesLabels, "seriesLabels is null");
            Objects.requireNonNull(metadata, "metadata is null");
        }
    }

    /**
     * The series that match every matcher (every series when there is none) and have metadata,
     * in label order.
     */
    List<SeriesMetadata> selectMetadata(List<Matcher> matchers);
}

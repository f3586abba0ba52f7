package io.promethium.api.storage;

import io.promethium.api.model.Metadata;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The metric metadata ({@code # TYPE}, {@code # HELP}, {@code # UNIT}) the scrapes saw most
 * recently, one entry per metric family per target, for senders that forward it (remote write's
 * {@code metadata_config}). Registered by the scrape manager. Thread-safe.
 */
@ProviderType
public interface MetadataSource {

    /** One family's metadata as one target exposed it. */
    record FamilyMetadata(String family, Metadata metadata) {
    }

    /** A snapshot of the current metadata. */
    List<FamilyMetadata> metadata();
}

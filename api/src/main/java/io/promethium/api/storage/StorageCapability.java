package io.promethium.api.storage;

/**
 * What a storage keeps beyond float samples (since 1.15.0), declared through
 * {@link DeclaredCapabilities}. Every storage keeps float samples and staleness markers.
 */
public enum StorageCapability {
    /**
     * Integer and float native histograms ({@link Appender#appendHistogram}) are stored and read
     * back. Without it the server refuses them with {@link StorageException.Reason#UNSUPPORTED}
     * before they reach the storage.
     */
    NATIVE_HISTOGRAMS,
    /** Exemplars ({@link Appender#appendExemplar}) are kept; usually with an {@link ExemplarQueryable}. */
    EXEMPLARS,
    /** Series metadata ({@link Appender#updateMetadata}) is kept; usually with a {@link MetadataQueryable}. */
    METADATA,
    /**
     * Start timestamps ({@link Appender#appendWithStart}, {@link Appender#appendHistogramWithStart})
     * are kept and read back through {@link SampleIterator#startTimestamp()}.
     */
    START_TIMESTAMPS
}

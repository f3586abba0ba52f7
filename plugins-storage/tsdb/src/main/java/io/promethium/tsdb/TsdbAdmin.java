package io.promethium.tsdb;

import io.promethium.api.model.Matcher;
import java.nio.file.Path;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The administration and status side of the TSDB, for the HTTP API's
 * {@code /api/v1/admin/tsdb/*} and {@code /api/v1/status/tsdb}. {@link Tsdb} implements it, and
 * the OSGi component registers it as a service next to {@code Storage} (same object).
 */
@ProviderType
public interface TsdbAdmin {

    /** Marks samples of matching series in {@code [mint, maxt]} deleted. */
    void delete(List<Matcher> matchers, long mint, long maxt);

    /** Rewrites blocks that have tombstones without the deleted samples. */
    void cleanTombstones();

    /** Writes a consistent copy of the data (hard links where possible), with the head if asked. */
    void snapshot(Path dir, boolean withHead);

    /** Cardinality statistics of the head. */
    HeadStats headStats();
}

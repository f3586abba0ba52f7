/**
 * The embedded default storage: {@link io.promethium.tsdb.Tsdb} opens a head (in-memory,
 * Gorilla-compressed chunks, WAL-backed) plus immutable blocks on disk, and serves both as one
 * {@link io.promethium.api.storage.Storage}. {@link io.promethium.tsdb.TsdbOptions} configures it.
 *
 * <p>1.2.0 adds per-series retention: {@link io.promethium.tsdb.RetentionRule},
 * {@code Tsdb.setRetentionRules}, {@code retentionRules} and {@code retentionUsage}.
 *
 * <p>1.3.0 adds downsampling: {@link io.promethium.tsdb.DownsamplingLevel}, {@code Tsdb.setDownsampling}
 * and {@code downsampling}.
 *
 * <p>1.4.0 adds {@code Tsdb.resolutionUsage} ({@code Tsdb.ResolutionUsage}): blocks and bytes per resolution.
 *
 * <p>1.5.0 adds {@code Tsdb.pauseBeforeRenames}, for fault tests.
 *
 * <p>1.6.0 adds {@link io.promethium.tsdb.ReplayProgress} and {@code Tsdb.open(options, progress)}:
 * the WAL replay's segments while it runs, {@code Tsdb.walReplay}, and {@code Tsdb.blockMetas}, the
 * loaded blocks' metadata.
 */
@Export
@Version("1.6.0")
package io.promethium.tsdb;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

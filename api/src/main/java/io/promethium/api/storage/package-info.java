/**
 * The storage SPI: where samples go and where queries read them.
 *
 * <p>Writing and reading are separate: {@link io.promethium.api.storage.Appendable} hands out
 * {@link io.promethium.api.storage.Appender} batches that end in commit or rollback;
 * {@link io.promethium.api.storage.Queryable} opens a {@link io.promethium.api.storage.Querier}
 * over a fixed time range. {@link io.promethium.api.storage.Storage} is both, registered as an
 * OSGi service by a storage plugin (the embedded TSDB by default), with an optional
 * {@link io.promethium.api.storage.StorageAdmin} for deletion, snapshots and statistics, and
 * an optional {@link io.promethium.api.storage.WalWatchable} through which followers such as remote
 * write tail its write-ahead log (1.2.0); {@link io.promethium.api.storage.MetadataSource} hands
 * them the scraped metric metadata (1.2.0).
 *
 * <p>Reading is iterator-shaped, with no object per sample: a
 * {@link io.promethium.api.storage.SeriesSet} yields series, each series a
 * {@link io.promethium.api.storage.SampleIterator} over primitive timestamps and values.
 *
 * <p>1.3.0 adds native histograms: {@link io.promethium.api.storage.ValueType} and the histogram
 * accessors of {@code SampleIterator} (reused objects), {@code Appender.appendHistogram}, the
 * histogram, exemplar and metadata records of {@link io.promethium.api.storage.WalVisitor}, and
 * {@link io.promethium.api.storage.ExemplarQueryable}.
 *
 * <p>1.5.0 adds {@link io.promethium.api.storage.MetadataQueryable}: the per-series metadata a
 * storage keeps, for the metadata APIs.
 *
 * <p>1.6.0 adds sample start timestamps (Prometheus's created timestamps):
 * {@code Appender.appendWithStart} and {@code appendHistogramWithStart},
 * {@code SampleIterator.startTimestamp()} ({@code NO_START_TIMESTAMP} when absent) and
 * {@code WalVisitor.startTimestamp}. Old calls stay and mean "no start timestamp".
 *
 * <p>1.7.0 lets {@link io.promethium.api.storage.ArraySampleIterator} hold native histograms
 * next to floats (a remote read answer's series).
 *
 * <p>1.8.0 adds {@link io.promethium.api.storage.ForwardingSampleIterator}, the base of every
 * iterator that wraps or picks among others, so each call (histograms and start timestamps
 * included) reaches the wrapped iterator.
 *
 * <p>1.9.0 adds {@code SampleIterator.seekLast(long)}: a head's newest sample without decoding
 * its open chunk. {@code ForwardingSampleIterator} does not forward it (a merge's last sample is
 * not one source's); a plain wrapper overrides it to forward.
 *
 * <p>1.10.0 adds {@code Queryable.ROLE_PRIMARY}, the role of the storage holding this server's
 * own samples (the storage view composes it with the secondaries), and {@code Querier.warnings()},
 * the warnings of label calls.
 *
 * <p>1.11.0 adds {@code StorageStats.corruptBlocks()}: blocks a storage set aside or skips as
 * corrupt, and {@code StorageStats.retentionRules()}: series and bytes per per-series retention
 * rule, both for {@code /api/v1/status/tsdb}.
 *
 * <p>1.12.0 adds {@code SelectHints.maxSourceResolution} (with {@code RAW} and {@code AUTO}): how
 * coarse a downsampled resolution a storage may answer from, and {@code SeriesSet.resolution()}:
 * the coarsest one a set's samples came from.
 *
 * <p>1.13.0 adds {@code SampleIterator.sampleCount()} (forwarded by {@code ForwardingSampleIterator}):
 * the raw samples a point stands for, so {@code count_over_time} and {@code avg_over_time} can be
 * answered from downsampled aggregates (window counts and sums), and {@code StorageStats.resolutions()}:
 * blocks, bytes and retention per resolution, for {@code /api/v1/status/tsdb}.
 *
 * <p>1.14.0 adds {@code SampleIterator.readFloats}: a run of float samples copied into arrays in
 * one call (not forwarded by {@code ForwardingSampleIterator}, whose subclasses may filter; its
 * default reads one sample at a time).
 *
 * <p>1.15.0 adds {@link io.promethium.api.storage.DeclaredCapabilities} and
 * {@link io.promethium.api.storage.StorageCapability}: a storage declares what it keeps beyond
 * floats (native histograms, exemplars, metadata, start timestamps) when it registers, and the
 * server routes by it instead of relying on {@code Appender}'s defaults, which drop data.
 *
 * <p>1.16.0 adds {@code StorageAdmin.blockMetas()} ({@link io.promethium.api.storage.StoredBlock}, empty
 * by default): the loaded blocks' metadata, for {@code /api/v1/status/tsdb/blocks}, and
 * {@link io.promethium.api.storage.WalReplayProgress}: the WAL replay's segments, registered
 * before the replay starts, for {@code /api/v1/status/walreplay}.
 *
 * <p>1.17.0 adds {@code WalWatchable.appended()} ({@link io.promethium.api.storage.AppendTotals}):
 * the newest timestamp and the count committed, so a follower behind a down receiver sizes its
 * sending by the backlog, as Prometheus's remote write does.
 */
@Export
@Version("1.18.0")
package io.promethium.api.storage;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

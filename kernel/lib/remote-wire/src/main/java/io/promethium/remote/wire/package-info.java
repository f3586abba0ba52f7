/**
 * The wire format of remote write 1.0 and remote read, written by hand so neither side needs a
 * protobuf runtime or a native snappy: {@link io.promethium.remote.wire.ProtoReader} and
 * {@link io.promethium.remote.wire.ProtoWriter} (protobuf wire format),
 * {@link io.promethium.remote.wire.Snappy} (block format), the {@code WriteRequest} decoder and
 * encoder, and Prometheus's XOR and native histogram chunk encoders and decoders for streamed
 * remote read (1.2.0: {@link io.promethium.remote.wire.HistogramChunkEncoder},
 * {@link io.promethium.remote.wire.HistogramChunkDecoder}). 1.3.0: remote write 2.0's per-sample
 * {@code start_timestamp} (the newest revision), handed to
 * {@code WriteV2Decoder.Sink}'s per-sample {@code series} and {@code HistogramSamples.startTimestamp}. Decoders check
 * every length against their input, so hostile bytes fail with a message.
 *
 * <p>Shared by the web bundle's receiver ({@code /api/v1/write}, {@code /api/v1/read}) and the
 * remote storage plugin's sender and reader; it is a library bundle of its own because a plugin
 * may import only the api and library bundles, never the kernel, and the kernel's receiver must
 * not depend on a plugin that can be removed at run time.
 */
@Export
@Version("1.3.0")
package io.promethium.remote.wire;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

/**
 * Chunk codecs, one copy for the TSDB and for remote read: a bit stream written and read a 64-bit
 * word at a time ({@link io.promethium.chunks.BitWriter}, {@link io.promethium.chunks.BitReader}),
 * Gorilla's XOR of a float with the previous one ({@link io.promethium.chunks.XorField}), varint
 * and bucketed integers ({@link io.promethium.chunks.Varbits}: the TSDB's delta-of-delta buckets
 * and Prometheus's, and Prometheus's histogram "varbit"), and the TSDB's chunk encodings (XOR,
 * decimal, integer and float native histograms) with their iterators. The remote-wire library
 * builds Prometheus's XOR and histogram chunks on the same primitives.
 *
 * <p>A library bundle: the TSDB's head series extend {@link io.promethium.chunks.XorEncoder} (one
 * object per series holds its open chunk), so this package is on the storage's hot path; it
 * keeps primitives and reused buffers and allocates nothing per sample.
 */
@Export
@Version("1.2.0")
package io.promethium.chunks;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

/**
 * Parsers and writers of the Prometheus text format (0.0.4 and 1.0.0), OpenMetrics 1.0 text and
 * the protobuf format (delimited {@code MetricFamily} messages), and the content negotiation that
 * picks between them.
 *
 * <p>Parsers are pull parsers over a byte buffer, modelled on Prometheus's {@code textparse.Parser}:
 * {@link io.promethium.exposition.ExpositionParser#next()} moves to the next entry and the
 * accessors describe it without allocating per sample. Obtain one through
 * {@link io.promethium.exposition.ExpositionFormat#newParser(byte[], int, int)} or, from an HTTP
 * response, through {@link io.promethium.exposition.ExpositionFormats#parserFor(String)}.
 */
@Export
@Version("1.8.0")
package io.promethium.exposition;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

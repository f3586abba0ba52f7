/** Parsers and writers of the Prometheus text format and OpenMetrics. */
package io.promethium.exposition;

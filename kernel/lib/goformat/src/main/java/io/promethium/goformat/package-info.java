/**
 * Numbers and addresses spelled as Prometheus's Go code spells them, so that answers compare byte for byte:
 * {@link io.promethium.goformat.GoFloat} (strconv's shortest {@code 'g'}, {@code 'e'} and
 * {@code 'f'} forms, fixed precisions as {@code fmt} rounds them, and the JSON form of
 * Prometheus's HTTP API; 1.5.0 adds {@link io.promethium.goformat.GoFloatBytes}, the JSON form
 * written into a byte array), {@link io.promethium.goformat.GoDurations} (Go's
 * {@code time.ParseDuration}), {@link io.promethium.goformat.GoHistograms} (Go's
 * {@code FloatHistogram.String()}) and {@link io.promethium.goformat.GoAddresses} (Go's
 * {@code net.IP.String()}, RFC 5952) and {@link io.promethium.goformat.GoNetErrors} (a failed
 * request as Go's {@code net/http} client words it). Prometheus's own duration syntax ({@code 1h30m}) is
 * {@code io.promethium.api.config.Durations}, part of the api because configuration plugins
 * parse it.
 *
 * <p>Depends on the JDK and the api's histogram model only. The shortest forms run once per sample written by the text
 * exposition and the query API, so they build no intermediate strings beyond
 * {@link java.lang.Double#toString(double)}, and {@code GoFloatBytes} none at all.
 */
@Export
@Version("1.5.0")
package io.promethium.goformat;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

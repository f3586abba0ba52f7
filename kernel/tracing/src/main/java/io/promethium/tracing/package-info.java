/**
 * Spans for the kernel's bundles: the {@link io.promethium.tracing.Tracing} service gives a
 * {@link io.promethium.tracing.Tracer} per traced service ({@code prometheus},
 * {@code alertmanager}), configured by the {@code tracing:} section of that service's config file
 * and sent over OTLP. With tracing off a tracer hands out {@link io.promethium.tracing.TraceSpan#NONE}
 * and allocates nothing.
 */
@Version("1.1.0")
@Export
package io.promethium.tracing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

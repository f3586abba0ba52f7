/**
 * Spans for plugins: the server's tracing ({@code tracing:} in {@code prometheus.yml}, sent over
 * OTLP by the kernel's tracing bundle) offered as a {@link io.promethium.api.trace.Tracer}
 * service, so a plugin's work (a remote write batch, a notification) shows in the same trace as
 * the kernel's spans, and its outgoing requests carry the W3C {@code traceparent}.
 *
 * <p>A plugin references the service optionally and dynamically (filter
 * {@code (promethium.trace.service=prometheus)} for the spans of Prometheus's side), using
 * {@link io.promethium.api.trace.Tracer#NONE} while none is bound: without the tracing bundle, or
 * with tracing off, every span is {@link io.promethium.api.trace.Span#NONE} and costs nothing.
 *
 * <p>1.0.0: {@code Tracer}, {@code Span}.
 */
@Export
@Version("1.0.0")
package io.promethium.api.trace;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

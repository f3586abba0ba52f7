/**
 * The data model shared by every stage: {@link io.promethium.api.model.Labels} (an immutable,
 * sorted label set), {@link io.promethium.api.model.Matcher} (a label matcher with Prometheus's
 * anchored regular-expression semantics), metric metadata and exemplars, and (1.1.0) native
 * histogram samples: {@link io.promethium.api.model.Histogram},
 * {@link io.promethium.api.model.FloatHistogram}, their {@link io.promethium.api.model.HistogramSpans}
 * layout, {@link io.promethium.api.model.CounterResetHint} and
 * {@link io.promethium.api.model.HistogramBounds}. 1.2.0: {@link io.promethium.api.model.Metadata}
 * names its metric family, so stored metadata does too. 1.5.0 adds
 * {@code Labels.sortedUnion}: the one-pass union of sorted, distinct answers of several sources.
 *
 * <p>Everything here is a value: immutable and safe to share between threads. The two histogram
 * classes are immutable by contract: their producer may refill one it still owns (an iterator
 * reusing its object), never someone who received it.
 */
@Export
@Version("1.5.0")
package io.promethium.api.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

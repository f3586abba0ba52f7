/**
 * The data model shared by every stage: {@link io.promethium.api.model.Labels} (an immutable,
 * sorted label set), {@link io.promethium.api.model.Matcher} (a label matcher with Prometheus's
 * anchored regular-expression semantics), metric metadata and exemplars.
 *
 * <p>Everything here is a value: immutable and safe to share between threads.
 */
@Export
@Version("1.0.0")
package io.promethium.api.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

/**
 * Prometheus's series notation of PromQL test scripts and promtool's rule unit tests:
 * {@code name{l="v"}}, value lists such as {@code 1+2x3 _ stale} and native histograms
 * {@code {{schema:1 sum:5 count:4 buckets:[1 2]}}} (with their {@code xN} and {@code +}/{@code -}
 * expansions), and the reverse: a histogram written as Prometheus's {@code TestExpression()}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.promethium.promql.engine.notation;

/**
 * Evaluates PromQL instant and range queries over the storage SPI. The entry point is
 * {@link io.promethium.promql.engine.QueryEngine}: create one with
 * {@link io.promethium.promql.engine.QueryEngine#create(EngineOptions)}, or get the OSGi service.
 * Results are {@link io.promethium.promql.engine.Value}s; failures are
 * {@link io.promethium.promql.engine.QueryException}s carrying the HTTP API's error type.
 *
 * <p>1.3.0: {@code QueryEngine.withTimeout} (a request's own deadline, the only deadline path),
 * {@link io.promethium.promql.engine.RangeLimits} (a range query's parameter checks, shared with
 * the HTTP API) and {@code QueryException.parameter()}.
 *
 * <p>1.4.0: {@code QueryEngine.withMaxSourceResolution} (the HTTP API's {@code max_source_resolution},
 * passed to the storage in every select's hints) and {@code QueryStats.resolution()}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.5.0")
package io.promethium.promql.engine;

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
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package io.promethium.promql.engine;

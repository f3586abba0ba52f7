/**
 * Evaluates PromQL instant and range queries over the storage SPI. The entry point is
 * {@link io.promethium.promql.engine.QueryEngine}: create one with
 * {@link io.promethium.promql.engine.QueryEngine#create(EngineOptions)}, or get the OSGi service.
 * Results are {@link io.promethium.promql.engine.Value}s; failures are
 * {@link io.promethium.promql.engine.QueryException}s carrying the HTTP API's error type.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.promethium.promql.engine;

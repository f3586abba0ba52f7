/**
 * Parsing PromQL text into a type-checked {@link io.promethium.promql.ast.Expr}, with errors
 * that say where and what, as Prometheus's do.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package io.promethium.promql.parser;

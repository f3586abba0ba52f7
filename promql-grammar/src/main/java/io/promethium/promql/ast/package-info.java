/**
 * The PromQL abstract syntax tree: immutable records, one per kind of expression, each carrying
 * its {@link io.promethium.promql.ast.PositionRange} in the query text. Also the operator enums
 * and the table of PromQL functions, shared by the parser and the engine.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.promethium.promql.ast;

/** Turning an AST back into PromQL text: Prometheus's canonical single-line form and its multi-line prettified form. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.promethium.promql.printer;

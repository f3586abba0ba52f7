/** The PromQL grammar (ANTLR4), AST records, parse errors and pretty-printer. */
package io.promethium.promql.grammar;

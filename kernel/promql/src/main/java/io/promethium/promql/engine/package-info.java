/** Evaluates PromQL instant and range queries over the Querier SPI. */
package io.promethium.promql.engine;

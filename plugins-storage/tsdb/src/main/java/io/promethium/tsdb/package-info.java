/** The embedded default storage: head, WAL, blocks, compaction. */
package io.promethium.tsdb;

package io.promethium.exporter.node.internal;

import java.io.IOException;

/**
 * One of node_exporter's collectors (cpu, meminfo, ...). Called by one thread at a time; may
 * keep reused buffers. A missing file is {@link NoDataException}; anything else wrong (a
 * malformed or unreadable file) is another exception: either way the collector's output of this
 * scrape is dropped and {@code node_scrape_collector_success} is 0.
 */
interface NodeCollector {

    /** node_exporter's name for it: the {@code collector} label and the {@code collector.<name>} flag. */
    String name();

    void collect(FamilyBuffer out) throws IOException;
}

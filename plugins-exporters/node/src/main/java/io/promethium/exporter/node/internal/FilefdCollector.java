package io.promethium.exporter.node.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.nio.file.Path;

/** Allocated and maximum file handles, from {@code /proc/sys/fs/file-nr}. */
final class FilefdCollector implements NodeCollector {

    private final Path file;
    private final ProcReader reader = new ProcReader();

    FilefdCollector(NodeSettings settings) {
        this.file = settings.procfs().resolve("sys/fs/file-nr");
    }

    @Override
    public String name() {
        return "filefd";
    }

    @Override
    public void collect(FamilyBuffer out) throws IOException {
        reader.read(file);
        if (!reader.nextLine() || !reader.nextToken()) {
            throw new IOException(file + ": empty");
        }
        long allocated = reader.tokenLong();
        if (!reader.skipTokens(1) || !reader.nextToken()) {
            throw new IOException(file + ": expected 3 fields, got \"" + reader.line() + "\"");
        }
        long maximum = reader.tokenLong();
        out.single("node_filefd_allocated", MetricType.GAUGE, "File descriptor statistics: allocated.", Labels.EMPTY, allocated);
        out.single("node_filefd_maximum", MetricType.GAUGE, "File descriptor statistics: maximum.", Labels.EMPTY, maximum);
    }
}

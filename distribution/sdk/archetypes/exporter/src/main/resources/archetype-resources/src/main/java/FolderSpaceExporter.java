package ${package};

import io.promethium.api.collect.Exporter;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Component;

/**
 * The exporter {@code ${pluginType}}: the server serves its metrics at
 * {@code /exporters/${pluginType}/metrics} and scrapes them in-process when a job points there:
 * <pre>
 * scrape_configs:
 *   - job_name: ${pluginType}
 *     metrics_path: /exporters/${pluginType}/metrics
 *     static_configs: [{targets: [localhost:9090]}]
 * </pre>
 * It reports the space of the file system that holds the server's working folder, and how often
 * it was asked. Called concurrently: the state is an atomic counter, nothing else is kept.
 */
@Component(service = Exporter.class)
public final class FolderSpaceExporter implements Exporter {

    static final String NAME = "${pluginType}";

    private final Path folder;
    private final AtomicLong collections = new AtomicLong();

    /** Declarative Services and ServiceLoader need a public no-argument constructor. */
    public FolderSpaceExporter() {
        this(Path.of("").toAbsolutePath());
    }

    FolderSpaceExporter(Path folder) {
        this.folder = folder;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void collect(MetricWriter writer) {
        long count = collections.incrementAndGet();
        FileStore store;
        long free;
        long size;
        try {
            store = Files.getFileStore(folder);
            free = store.getUsableSpace();
            size = store.getTotalSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the file system of " + folder, e);
        }
        Labels labels = Labels.of("path", folder.toString());
        writer.family(NAME + "_filesystem_avail_bytes", MetricType.GAUGE, "Bytes available to the server on the file system of its folder.", "bytes");
        writer.sample(NAME + "_filesystem_avail_bytes", labels, free);
        writer.family(NAME + "_filesystem_size_bytes", MetricType.GAUGE, "Size of the file system of the server's folder.", "bytes");
        writer.sample(NAME + "_filesystem_size_bytes", labels, size);
        writer.family(NAME + "_collections_total", MetricType.COUNTER, "Times this exporter was collected.", "");
        writer.sample(NAME + "_collections_total", count);
    }
}

package io.promethium.exporter.node.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * Metrics from {@code *.prom} files in {@code collector.textfile.directory}, as node_exporter's
 * textfile collector: a file that does not parse (or carries timestamps) is skipped and sets
 * {@code node_textfile_scrape_error 1}; labels missing from some samples of a family are added
 * empty; each file read gets {@code node_textfile_mtime_seconds}.
 */
final class TextfileCollector implements NodeCollector {

    private static final Logger LOG = Logger.getLogger(TextfileCollector.class.getName());

    private final Path directory;

    TextfileCollector(NodeSettings settings) {
        this.directory = settings.textfileDirectory();
    }

    @Override
    public String name() {
        return "textfile";
    }

    @Override
    public void collect(FamilyBuffer out) throws IOException {
        boolean error = false;
        if (directory != null) {
            List<Path> files;
            try {
                files = Sysfs.list(directory);
                if (!Files.isDirectory(directory)) {
                    throw new IOException("no such folder");
                }
            } catch (IOException e) {
                LOG.warning("textfile collector: cannot read directory " + directory + ": " + e.getMessage());
                files = List.of();
                error = true;
            }
            for (Path file : files) {
                if (!file.getFileName().toString().endsWith(".prom") || !Files.isRegularFile(file)) {
                    continue;
                }
                try {
                    // Whole seconds, as node_exporter reports them.
                    double mtime = Files.getLastModifiedTime(file).to(java.util.concurrent.TimeUnit.SECONDS);
                    List<TextfileParser.Family> families = TextfileParser.parse(Files.readString(file), file.toString());
                    for (TextfileParser.Family f : families) {
                        write(out, f, file);
                    }
                    out.single("node_textfile_mtime_seconds", MetricType.GAUGE, "Unixtime mtime of textfiles successfully read.",
                            Labels.of("file", file.toString()), mtime);
                } catch (IOException | RuntimeException e) {
                    LOG.warning("textfile collector: " + e.getMessage());
                    error = true;
                }
            }
        }
        out.single("node_textfile_scrape_error", MetricType.GAUGE,
                "1 if there was an error opening or reading a file, 0 otherwise", Labels.EMPTY, error ? 1 : 0);
    }

    private static void write(FamilyBuffer out, TextfileParser.Family f, Path file) {
        if (f.samples.isEmpty()) {
            return;
        }
        Set<String> names = new TreeSet<>();
        for (TextfileParser.Sample s : f.samples) {
            names.addAll(s.labels().keySet());
        }
        if (f.type == MetricType.HISTOGRAM) {
            names.remove("le");
        } else if (f.type == MetricType.SUMMARY) {
            names.remove("quantile");
        }
        out.family(f.name, f.type, f.help != null ? f.help : "Metric read from " + file);
        for (TextfileParser.Sample s : f.samples) {
            Labels.Builder labels = Labels.builder();
            for (String name : names) {
                labels.set(name, s.labels().getOrDefault(name, ""));
            }
            for (Map.Entry<String, String> e : s.labels().entrySet()) {
                labels.set(e.getKey(), e.getValue());
            }
            out.sample(s.name(), labels.build(), s.value());
        }
    }
}

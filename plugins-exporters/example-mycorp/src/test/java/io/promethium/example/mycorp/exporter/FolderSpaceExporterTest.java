package io.promethium.example.mycorp.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.collect.Exporter;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderSpaceExporterTest {

    /** What an exporter wrote: family types by name, and each sample by name and labels. */
    private static final class Recorder implements MetricWriter {
        final Map<String, MetricType> families = new LinkedHashMap<>();
        final Map<String, Double> samples = new LinkedHashMap<>();

        @Override
        public void family(String name, MetricType type, String help, String unit) {
            assertThat(families).as("family " + name + " written once").doesNotContainKey(name);
            families.put(name, type);
        }

        @Override
        public void sample(String name, Labels labels, double value) {
            assertThat(families).as("sample " + name + " after its family").containsKey(name);
            samples.put(name + labels, value);
        }
    }

    @TempDir
    Path folder;

    @Test
    void writesTheSpaceOfTheFolderFileSystem() {
        Recorder recorder = new Recorder();
        new FolderSpaceExporter(folder).collect(recorder);
        String path = "{path=\"" + folder + "\"}";
        assertThat(recorder.families).containsEntry(FolderSpaceExporter.NAME + "_filesystem_avail_bytes", MetricType.GAUGE)
                .containsEntry(FolderSpaceExporter.NAME + "_collections_total", MetricType.COUNTER);
        double size = recorder.samples.get(FolderSpaceExporter.NAME + "_filesystem_size_bytes" + path);
        double avail = recorder.samples.get(FolderSpaceExporter.NAME + "_filesystem_avail_bytes" + path);
        assertThat(size).isPositive();
        assertThat(avail).isBetween(0.0, size);
    }

    @Test
    void countsCollections() {
        FolderSpaceExporter exporter = new FolderSpaceExporter(folder);
        exporter.collect(new Recorder());
        Recorder second = new Recorder();
        exporter.collect(second);
        assertThat(second.samples).containsEntry(FolderSpaceExporter.NAME + "_collections_total{}", 2.0);
    }

    @Test
    void hasAValidName() {
        assertThat(new FolderSpaceExporter().name()).matches("[a-z0-9_-]+");
    }

    @Test
    void isListedForServiceLoader() {
        assertThat(ServiceLoader.load(Exporter.class).stream().map(p -> p.type().getName()))
                .contains(FolderSpaceExporter.class.getName());
    }
}

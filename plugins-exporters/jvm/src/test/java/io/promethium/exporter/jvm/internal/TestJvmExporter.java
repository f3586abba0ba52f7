package io.promethium.exporter.jvm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.collect.Exporter;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TestJvmExporter {

    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

    /** Family name to "type|help", and sample name to its label-name sets, of one page. */
    private record Page(Map<String, String> families, Map<String, Set<String>> samples) {
    }

    @Test
    void writesTheSameFamiliesTypesHelpAndLabelNamesAsTheJavaClientsOwnTextWriter() throws Exception {
        JvmExporter exporter = new JvmExporter();
        Page ours = record(exporter);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(bytes, exporter.registry().scrape());
        Page theirs = parse(bytes.toString(StandardCharsets.UTF_8));

        assertThat(ours.families()).isEqualTo(theirs.families());
        assertThat(ours.samples()).isEqualTo(theirs.samples());
    }

    @Test
    void exposesTheNamesJvmDashboardsQuery() {
        Page page = record(new JvmExporter());
        assertThat(page.samples()).containsKeys("jvm_memory_used_bytes", "jvm_memory_committed_bytes", "jvm_memory_max_bytes",
                "jvm_memory_pool_used_bytes", "jvm_gc_collection_seconds_count", "jvm_gc_collection_seconds_sum",
                "jvm_threads_current", "jvm_threads_daemon", "jvm_threads_peak", "jvm_threads_state",
                "jvm_threads_deadlocked", "jvm_threads_deadlocked_monitor", "jvm_classes_currently_loaded",
                "jvm_classes_loaded_total", "jvm_buffer_pool_used_bytes", "jvm_compilation_time_seconds_total",
                "jvm_runtime_info", "process_cpu_seconds_total", "process_start_time_seconds", "process_open_fds",
                "process_resident_memory_bytes");
        assertThat(page.samples().get("jvm_memory_used_bytes")).containsExactly("area");
        assertThat(page.samples().get("jvm_threads_state")).containsExactly("state");
        assertThat(page.samples().get("jvm_gc_collection_seconds_count")).containsExactly("gc");
        assertThat(page.families().get("jvm_gc_collection_seconds")).startsWith("summary|");
    }

    @Test
    void isListedForServiceLoaderUnderTheNameJvm() {
        List<String> names = new ArrayList<>();
        ServiceLoader.load(Exporter.class).forEach(e -> names.add(e.name()));
        assertThat(names).contains("jvm");
    }

    private static Page record(Exporter exporter) {
        Map<String, String> families = new TreeMap<>();
        Map<String, Set<String>> samples = new TreeMap<>();
        exporter.collect(new MetricWriter() {
            @Override
            public void family(String name, MetricType type, String help, String unit) {
                String text = switch (type) {
                    case INFO, STATESET -> "gauge";
                    case UNKNOWN -> "untyped";
                    default -> type.text();
                };
                assertThat(families.put(name, text + "|" + help)).as("family " + name + " written once").isNull();
            }

            @Override
            public void sample(String name, Labels labels, double value) {
                samples.computeIfAbsent(name, n -> new TreeSet<>()).add(String.join(",", labels.names()));
            }
        });
        return new Page(families, samples);
    }

    private static Page parse(String text) {
        Map<String, String> help = new TreeMap<>();
        Map<String, String> families = new TreeMap<>();
        Map<String, Set<String>> samples = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                String[] parts = line.substring(7).split(" ", 2);
                help.put(parts[0], parts.length > 1 ? parts[1] : "");
            } else if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ", 2);
                families.put(parts[0], parts[1] + "|" + help.getOrDefault(parts[0], ""));
            } else if (!line.isBlank() && !line.startsWith("#")) {
                int brace = line.indexOf('{');
                int space = line.indexOf(' ');
                String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
                List<String> labels = new ArrayList<>();
                if (brace >= 0 && brace < space) {
                    Matcher m = LABEL.matcher(line.substring(brace, line.lastIndexOf('}')));
                    while (m.find()) {
                        labels.add(m.group(1));
                    }
                }
                labels.sort(null);
                samples.computeIfAbsent(name, n -> new TreeSet<>()).add(String.join(",", labels));
            }
        }
        return new Page(families, samples);
    }
}

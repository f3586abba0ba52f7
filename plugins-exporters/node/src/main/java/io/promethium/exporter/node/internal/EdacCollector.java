package io.promethium.exporter.node.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.nio.file.Path;

/** Memory controller error counts from {@code /sys/devices/system/edac/mc}. */
final class EdacCollector implements NodeCollector {

    private final Path mc;

    EdacCollector(NodeSettings settings) {
        this.mc = settings.sysfs().resolve("devices/system/edac/mc");
    }

    @Override
    public String name() {
        return "edac";
    }

    @Override
    public void collect(FamilyBuffer out) throws IOException {
        for (Path controller : Sysfs.numbered(mc, "mc")) {
            String id = Sysfs.suffix(controller, "mc");
            Labels labels = Labels.of("controller", id);
            out.single("node_edac_correctable_errors_total", MetricType.COUNTER, "Total correctable memory errors.",
                    labels, required(controller.resolve("ce_count")));
            out.single("node_edac_uncorrectable_errors_total", MetricType.COUNTER, "Total uncorrectable memory errors.",
                    labels, required(controller.resolve("ue_count")));
            Labels unknown = Labels.of("controller", id, "csrow", "unknown");
            out.single("node_edac_csrow_correctable_errors_total", MetricType.COUNTER,
                    "Total correctable memory errors for this csrow.", unknown, required(controller.resolve("ce_noinfo_count")));
            out.single("node_edac_csrow_uncorrectable_errors_total", MetricType.COUNTER,
                    "Total uncorrectable memory errors for this csrow.", unknown, required(controller.resolve("ue_noinfo_count")));
            for (Path csrow : Sysfs.numbered(controller, "csrow")) {
                Labels row = Labels.of("controller", id, "csrow", Sysfs.suffix(csrow, "csrow"));
                out.single("node_edac_csrow_correctable_errors_total", MetricType.COUNTER, "", row, required(csrow.resolve("ce_count")));
                out.single("node_edac_csrow_uncorrectable_errors_total", MetricType.COUNTER, "", row, required(csrow.resolve("ue_count")));
            }
        }
    }

    private static long required(Path file) throws IOException {
        String value = Sysfs.readOrNull(file);
        if (value == null) {
            throw new IOException(file + ": cannot be read");
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IOException(file + ": not a number: \"" + value + "\"");
        }
    }
}

package io.promethium.config.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.Durations;
import io.promethium.config.model.StorageConfig.DownsamplingResolution;
import io.promethium.config.yaml.YamlNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code storage.tsdb.downsampling}: {@code {resolutions: [{resolution, after, retention}, ...]}}
 * (Promethium's own key; Prometheus does not downsample). Each entry: {@code resolution} a positive
 * duration, larger than and a multiple of the one before (a coarser companion is built from the
 * finer one, as Thanos builds 1 h from 5 m); {@code after} how long after the newest data a block
 * must have ended to get a companion, not below the entry before's; {@code retention} how long its
 * companions are kept, 0 or absent for as long as there is data (Thanos's {@code 0d}). Errors carry
 * file:line:col.
 */
final class DownsamplingSettings {
    static final String KEY = "downsampling";

    private DownsamplingSettings() {
    }

    static List<DownsamplingResolution> parse(Fields tsdb) throws ConfigException {
        YamlNode node = tsdb.node(KEY);
        if (node == null) {
            return List.of();
        }
        Fields d = Fields.of(node, "storage.tsdb." + KEY);
        List<DownsamplingResolution> out = new ArrayList<>();
        List<YamlNode> items = d.list("resolutions");
        Duration before = Duration.ZERO;
        Duration afterBefore = Duration.ZERO;
        for (int i = 0; i < items.size(); i++) {
            String context = "storage.tsdb." + KEY + ".resolutions[" + i + "]";
            Fields f = Fields.of(items.get(i), context);
            if (!f.has("resolution")) {
                throw Fields.error(f.location(), context + ": resolution is required");
            }
            if (!f.has("after")) {
                throw Fields.error(f.location(), context + ": after is required");
            }
            Duration resolution = f.duration("resolution", Duration.ZERO);
            if (resolution.isZero() || resolution.isNegative()) {
                throw Fields.error(f.keyLocation("resolution"), context + ": resolution must be positive, got "
                        + Durations.format(resolution));
            }
            if (resolution.compareTo(before) <= 0 || (!before.isZero() && resolution.toMillis() % before.toMillis() != 0)) {
                throw Fields.error(f.keyLocation("resolution"), context + ": resolution " + Durations.format(resolution)
                        + " must be larger than and a multiple of the one before (" + Durations.format(before) + ")");
            }
            Duration after = f.duration("after", Duration.ZERO);
            if (after.isNegative() || after.compareTo(afterBefore) < 0) {
                throw Fields.error(f.keyLocation("after"), context + ": after " + Durations.format(after)
                        + " must not be below the one before (" + Durations.format(afterBefore) + ")");
            }
            Duration retention = f.duration("retention", Duration.ZERO);
            if (retention.isNegative()) {
                throw Fields.error(f.keyLocation("retention"), context + ": retention must not be negative");
            }
            f.finish();
            out.add(new DownsamplingResolution(resolution, after, retention));
            before = resolution;
            afterBefore = after;
        }
        d.finish();
        return List.copyOf(out);
    }
}

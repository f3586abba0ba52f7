package io.promethium.otlp;

import io.promethium.api.config.AbstractConfigSectionContractTest;
import io.promethium.api.config.ConfigSection;
import io.promethium.api.config.SectionContext;
import io.promethium.api.testing.BadValue;
import io.promethium.config.ConfigLoader;
import io.promethium.config.PluginKeys;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code otlp:} validates with the one shape of every kind that owns config: field and file:line:col. */
class OtlpSectionContractTest extends AbstractConfigSectionContractTest {

    @Override
    protected ConfigSection section() {
        return new OtlpComponent(name -> null);
    }

    /** The kernel loader's own context (of a config without {@code otlp:}). */
    @Override
    protected SectionContext context() throws Exception {
        return new ConfigLoader(PluginKeys.NONE).parse(Path.of("prometheus.yml"), "global:\n  scrape_interval: 15s\n").sections().context();
    }

    @Override
    protected Map<String, Object> entry() {
        return Map.of("promote_resource_attributes", List.of("service.name"), "translation_strategy", "NoUTF8EscapingWithSuffixes");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("keep_identifying_resource_attributes", "maybe"); // not a bool
    }
}

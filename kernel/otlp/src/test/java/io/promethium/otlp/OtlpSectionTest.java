package io.promethium.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.config.SectionContext;
import io.promethium.config.ConfigLoader;
import io.promethium.config.PluginKeys;
import io.promethium.config.model.PrometheusConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The {@code otlp:} section through the kernel's config loader: Prometheus 3's fields, defaults and errors, each at its place. */
class OtlpSectionTest {

    private final OtlpComponent component = new OtlpComponent(name -> null);

    private final PluginKeys owner = new PluginKeys() {
        @Override
        public Set<String> discoveryTypes() {
            return Set.of();
        }

        @Override
        public void validateDiscovery(String type, PluginConfig config) {
        }

        @Override
        public Set<String> sectionKeys() {
            return Set.of("otlp");
        }

        @Override
        public void validateSection(String key, List<PluginConfig> entries, SectionContext context) throws ConfigException {
            component.validate(entries, context);
        }
    };

    private OtlpConfig load(String yaml) throws Exception {
        PrometheusConfig config = new ConfigLoader(owner).parse(Path.of("prometheus.yml"), yaml);
        component.apply(config.sections().entries("otlp"), config.sections().context());
        return OtlpConfig.parse(config.sections().entries("otlp").isEmpty() ? null : config.sections().entries("otlp").get(0));
    }

    private String error(String yaml) {
        return assertThrows(ConfigException.class, () -> load(yaml)).getMessage();
    }

    @Test
    void absentSectionIsPrometheusDefaults() throws Exception {
        assertEquals(OtlpConfig.DEFAULT, load("global:\n  scrape_interval: 15s\n"));
        assertEquals(TranslationStrategy.UnderscoreEscapingWithSuffixes, OtlpConfig.DEFAULT.strategy());
    }

    @Test
    void everyFieldIsRead() throws Exception {
        OtlpConfig c = load("""
                otlp:
                  promote_resource_attributes: [" service.version ", deployment.environment]
                  keep_identifying_resource_attributes: true
                  translation_strategy: NoUTF8EscapingWithSuffixes
                  convert_histograms_to_nhcb: true
                  promote_scope_metadata: true
                  label_name_underscore_sanitization: true
                  label_name_preserve_multiple_underscores: true
                """);
        assertEquals(new OtlpConfig(false, Set.of("service.version", "deployment.environment"), Set.of(),
                TranslationStrategy.NoUTF8EscapingWithSuffixes, true, true, true, true, true), c);
        assertEquals(Set.of("k8s.pod.uid"), load("otlp:\n  promote_all_resource_attributes: true\n  ignore_resource_attributes: [k8s.pod.uid]\n")
                .ignore());
    }

    @Test
    void unknownFieldIsRefusedByNameAtItsPlace() {
        assertEquals("prometheus.yml:3:3: otlp: field promote_everything not found in type config.OTLPConfig",
                error("otlp:\n  translation_strategy: NoTranslation\n  promote_everything: true\n"));
    }

    @Test
    void prometheusChecksAreKept() {
        assertEquals("prometheus.yml:2:3: unsupported OTLP translation strategy \"Escaping\"", error("otlp:\n  translation_strategy: Escaping\n"));
        assertEquals("prometheus.yml:3:3: otlp: 'promote_all_resource_attributes' and 'promote_resource_attributes' cannot be configured "
                + "simultaneously", error("otlp:\n  promote_all_resource_attributes: true\n  promote_resource_attributes: [a]\n"));
        assertEquals("prometheus.yml:2:3: otlp: 'ignore_resource_attributes' cannot be configured unless 'promote_all_resource_attributes' "
                + "is true", error("otlp:\n  ignore_resource_attributes: [a]\n"));
        assertEquals("prometheus.yml:2:3: otlp: invalid 'promote_resource_attributes': duplicated promoted OTel resource attribute \"a\"",
                error("otlp:\n  promote_resource_attributes: [a, ' a']\n"));
        assertEquals("prometheus.yml:2:3: otlp: invalid 'promote_resource_attributes': empty promoted OTel resource attribute",
                error("otlp:\n  promote_resource_attributes: ['  ']\n"));
    }
}

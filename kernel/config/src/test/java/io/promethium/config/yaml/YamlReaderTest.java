package io.promethium.config.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import org.junit.jupiter.api.Test;

class YamlReaderTest {

    /**
     * Found by AlertmanagerFuzzTest (-Dalertmanager.config.fuzz.seed=13, iteration 8697): a lone
     * high surrogate as the 1,024th character made SnakeYAML's reader throw an
     * IndexOutOfBoundsException out of the loader instead of a ConfigException.
     */
    @Test
    void aLoneSurrogateAtTheEndOfTheReadersBufferIsAPositionedConfigError() {
        String text = "a: " + "x".repeat(1020) + "\uD800\nb: 1\n";
        assertThat(text.indexOf('\uD800')).isEqualTo(1023);
        assertThatThrownBy(() -> new YamlReader().read("alertmanager.yml", text)).isInstanceOf(ConfigException.class)
                .hasMessage("alertmanager.yml:1:1024: invalid YAML: unpaired surrogate U+D800 is not a character");
    }

    @Test
    void loneSurrogatesAnywhereAreRefusedWithTheirLineAndColumn() {
        assertThatThrownBy(() -> new YamlReader().read("prometheus.yml", "a: 1\nb: \"x\uDC00\"\n"))
                .hasMessage("prometheus.yml:2:6: invalid YAML: unpaired surrogate U+DC00 is not a character");
        assertThatThrownBy(() -> new YamlReader().read("prometheus.yml", "a: \uD83D"))
                .hasMessage("prometheus.yml:1:4: invalid YAML: unpaired surrogate U+D83D is not a character");
    }

    @Test
    void pairedSurrogatesAreCharactersAndRead() throws Exception {
        YamlNode root = new YamlReader().read("prometheus.yml", "a: \"\uD83D\uDE00\"\nb: 1\n");
        assertThat(root).isInstanceOf(YamlNode.Mapping.class);
        assertThat(((YamlNode.Mapping) root).get("a").toString()).contains("\uD83D\uDE00");
    }

    /** Go's YAML types a plain key ({@code 1:}) but not a quoted one; the reader says which keys were plain. */
    @Test
    void eachKeySaysWhetherItWasWrittenPlain() throws Exception {
        YamlNode.Mapping m = (YamlNode.Mapping) new YamlReader().read("x.yml", "1: a\n\"2\": b\n'yes': c\ntrue: d\nname: e\n");
        assertThat(m.entries().get("1").plainKey()).isTrue();
        assertThat(m.entries().get("2").plainKey()).isFalse();
        assertThat(m.entries().get("yes").plainKey()).isFalse();
        assertThat(m.entries().get("true").plainKey()).isTrue();
        assertThat(m.entries().get("name").plainKey()).isTrue();
    }
}

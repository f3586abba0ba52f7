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

    private static YamlNode.Mapping read(String text) throws ConfigException {
        return (YamlNode.Mapping) new YamlReader().read("prometheus.yml", text);
    }

    private static String text(YamlNode node) {
        return ((YamlNode.Scalar) node).text();
    }

    /** Go's YAML resolves an alias to its anchor's node: scalars, lists and mappings alike. */
    @Test
    void anAliasReadsAsItsAnchoredNode() throws Exception {
        YamlNode.Mapping m = read("""
                a: &port 9090
                b: *port
                c: &list [x, y]
                d: *list
                e: &map {k: v}
                f: *map
                g: [*port, *map]
                """);
        assertThat(text(m.get("b"))).isEqualTo("9090");
        assertThat(((YamlNode.Scalar) m.get("b")).string()).isFalse();
        assertThat(m.get("d")).isEqualTo(m.get("c"));
        assertThat(m.get("f")).isEqualTo(m.get("e"));
        assertThat(((YamlNode.Sequence) m.get("g")).items()).containsExactly(m.get("a"), m.get("e"));
        // A value without an anchor after one with: no anchor carried over.
        YamlNode.Mapping after = read("a: &x 1\nb: 2\nc: *x\n");
        assertThat(text(after.get("b"))).isEqualTo("2");
        assertThat(text(after.get("c"))).isEqualTo("1");
    }

    @Test
    void anAnchorDefinedAgainCountsFromThere() throws Exception {
        YamlNode.Mapping m = read("a: &x 1\nb: *x\nc: &x 2\nd: *x\n");
        assertThat(text(m.get("b"))).isEqualTo("1");
        assertThat(text(m.get("d"))).isEqualTo("2");
    }

    @Test
    void anUnknownOrSelfContainingAliasIsAPositionedError() {
        assertThatThrownBy(() -> read("a: 1\nb: *nowhere\n")).isInstanceOf(ConfigException.class)
                .hasMessage("prometheus.yml:2:4: invalid YAML: unknown anchor 'nowhere' referenced");
        assertThatThrownBy(() -> read("a: &loop [1, *loop]\n")).isInstanceOf(ConfigException.class)
                .hasMessage("prometheus.yml:1:14: invalid YAML: anchor 'loop' value contains itself");
    }

    /** As yaml.v2: merged keys set over what is there, later keys over them, of a list the first wins. */
    @Test
    void mergeKeysApplyTheirMappingsAsGoYamlDoes() throws Exception {
        YamlNode.Mapping m = read("""
                base: &base {scrape_interval: 5s, scrape_timeout: 2s}
                other: &other {scrape_interval: 9s, honor_labels: true}
                job: {<<: *base, job_name: a, scrape_timeout: 3s}
                list: {<<: [*other, *base], job_name: b}
                inline: {<<: {metrics_path: /m}, job_name: c}
                """);
        YamlNode.Mapping job = (YamlNode.Mapping) m.get("job");
        assertThat(job.entries().keySet()).containsExactly("scrape_interval", "job_name", "scrape_timeout");
        assertThat(text(job.get("scrape_interval"))).isEqualTo("5s");
        assertThat(text(job.get("scrape_timeout"))).isEqualTo("3s");
        YamlNode.Mapping list = (YamlNode.Mapping) m.get("list");
        assertThat(text(list.get("scrape_interval"))).isEqualTo("9s");
        assertThat(text(list.get("scrape_timeout"))).isEqualTo("2s");
        assertThat(text(list.get("honor_labels"))).isEqualTo("true");
        assertThat(text(((YamlNode.Mapping) m.get("inline")).get("metrics_path"))).isEqualTo("/m");
        // A merged key keeps where it was written: an error in it points at the anchor's text.
        assertThat(job.entries().get("scrape_interval").keyLocation().line()).isEqualTo(1);
    }

    @Test
    void aQuotedLessThanLessThanKeyIsAnOrdinaryKeyAndAMergeOfAScalarIsAnError() throws Exception {
        assertThat(text(read("\"<<\": x\n").get("<<"))).isEqualTo("x");
        assertThatThrownBy(() -> read("a: &s 1\nb: {<<: *s}\n")).isInstanceOf(ConfigException.class)
                .hasMessage("prometheus.yml:1:4: invalid YAML: map merge requires map or sequence of maps as the value");
        assertThatThrownBy(() -> read("b: {k: 1, k: 2}\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("mapping key \"k\" already defined at line 1");
    }

    /** Nested aliases standing for billions of nodes are refused as yaml.v2 refuses them. */
    @Test
    void excessiveAliasingIsRefused() {
        StringBuilder text = new StringBuilder("l0: &l0 [a, a, a, a, a, a, a, a, a, a]\n");
        for (int i = 1; i < 10; i++) {
            text.append("l").append(i).append(": &l").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                text.append(j == 0 ? "" : ", ").append("*l").append(i - 1);
            }
            text.append("]\n");
        }
        assertThatThrownBy(() -> read(text.toString())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("invalid YAML: document contains excessive aliasing");
    }
}

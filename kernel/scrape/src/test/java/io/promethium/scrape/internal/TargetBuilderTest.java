package io.promethium.scrape.internal;

import static io.promethium.scrape.internal.Configs.relabel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.Labels;
import io.promethium.config.model.RelabelAction;
import io.promethium.config.model.ScrapeConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetBuilderTest {

    private final ScrapeConfig job = Configs.job("node");

    @Test
    void setsScrapeDefaultsBeforeRelabelingAndInstanceAfter() {
        TargetBuilder.Result result = new TargetBuilder(job).build(Labels.of("__address__", "h:9100"), Labels.of("env", "prod"));

        assertThat(result.discovered()).isEqualTo(Labels.of("__address__", "h:9100", "env", "prod", "job", "node",
                "__scheme__", "http", "__metrics_path__", "/metrics", "__scrape_interval__", "1m", "__scrape_timeout__", "10s"));
        assertThat(result.labels()).isEqualTo(result.discovered().toBuilder().set("instance", "h:9100").build());
        assertThat(TargetBuilder.publicLabels(result.labels()))
                .isEqualTo(Labels.of("env", "prod", "job", "node", "instance", "h:9100"));
    }

    @Test
    void targetLabelsWinOverGroupLabelsAndGroupLabelsOverDefaults() {
        TargetBuilder.Result result = new TargetBuilder(job).build(
                Labels.of("__address__", "h:1", "env", "target"), Labels.of("env", "group", "job", "other", "__scheme__", "https"));
        assertThat(result.labels().get("env")).isEqualTo("target");
        assertThat(result.labels().get("job")).isEqualTo("other");
        assertThat(result.labels().get("__scheme__")).isEqualTo("https");
    }

    @Test
    void metaLabelsAreVisibleToRelabelingAndRemovedAfter() {
        ScrapeConfig config = Configs.withRelabel(job, List.of(
                relabel(RelabelAction.REPLACE, List.of("__meta_zone"), "(.*)", "zone", "$1"),
                relabel(RelabelAction.REPLACE, List.of("__meta_zone"), "(.*)", "__tmp_zone", "$1")), List.of());
        TargetBuilder.Result result = new TargetBuilder(config).build(Labels.of("__address__", "h:1"), Labels.of("__meta_zone", "eu"));

        assertThat(result.labels().get("zone")).isEqualTo("eu");
        assertThat(result.labels().has("__meta_zone")).isFalse();
        assertThat(result.discovered().get("__meta_zone")).isEqualTo("eu");
        assertThat(TargetBuilder.publicLabels(result.labels()).names()).doesNotContain("__tmp_zone");
    }

    @Test
    void aDroppedTargetKeepsItsDiscoveredLabels() {
        ScrapeConfig config = Configs.withRelabel(job,
                List.of(relabel(RelabelAction.DROP, List.of("env"), "dev", "", "$1")), List.of());
        TargetBuilder.Result result = new TargetBuilder(config).build(Labels.of("__address__", "h:1", "env", "dev"), Labels.EMPTY);
        assertThat(result.dropped()).isTrue();
        assertThat(result.error()).isNull();
        assertThat(result.discovered().get("env")).isEqualTo("dev");
    }

    @Test
    void relabelingMaySetTheIntervalTimeoutPathAndInstance() {
        ScrapeConfig config = Configs.withRelabel(job, List.of(
                relabel(RelabelAction.REPLACE, List.of(), "(.*)", "__scrape_interval__", "30s"),
                relabel(RelabelAction.REPLACE, List.of(), "(.*)", "__scrape_timeout__", "5s"),
                relabel(RelabelAction.REPLACE, List.of("__address__"), "([^:]+):.*", "instance", "$1")), List.of());
        Labels labels = new TargetBuilder(config).build(Labels.of("__address__", "h:1"), Labels.EMPTY).labels();
        assertThat(labels.get("__scrape_interval__")).isEqualTo("30s");
        assertThat(labels.get("__scrape_timeout__")).isEqualTo("5s");
        assertThat(labels.get("instance")).isEqualTo("h");
    }

    @Test
    void rejectsTimeoutLongerThanIntervalAndBadDurations() {
        ScrapeConfig config = Configs.withRelabel(job, List.of(
                relabel(RelabelAction.REPLACE, List.of(), "(.*)", "__scrape_timeout__", "2m")), List.of());
        TargetBuilder.Result result = new TargetBuilder(config).build(Labels.of("__address__", "h:1"), Labels.EMPTY);
        assertThat(result.dropped()).isTrue();
        assertThat(result.error()).contains("scrape timeout cannot be greater than scrape interval");

        ScrapeConfig bad = Configs.withRelabel(job, List.of(
                relabel(RelabelAction.REPLACE, List.of(), "(.*)", "__scrape_interval__", "often")), List.of());
        assertThat(new TargetBuilder(bad).build(Labels.of("__address__", "h:1"), Labels.EMPTY).error())
                .contains("error parsing scrape interval");
    }

    @Test
    void rejectsMissingAddressAndAddressWithPath() {
        ScrapeConfig config = Configs.withRelabel(job, List.of(
                relabel(RelabelAction.LABELDROP, List.of(), "__address__", "", "$1")), List.of());
        assertThat(new TargetBuilder(config).build(Labels.of("__address__", "h:1"), Labels.EMPTY).error()).isEqualTo("no address");
        assertThat(new TargetBuilder(job).build(Labels.of("__address__", "h:1/x"), Labels.EMPTY).error()).contains("h:1/x");
    }

    @Test
    void paramsBecomeParamLabelsThatRelabelingCanOverride() {
        ScrapeConfig config = Configs.withRelabel(Configs.withParams(job, Map.of("module", List.of("a", "b"))),
                List.of(relabel(RelabelAction.REPLACE, List.of("__address__"), "(.*)", "__param_target", "$1")), List.of());
        Labels labels = new TargetBuilder(config).build(Labels.of("__address__", "h:1"), Labels.EMPTY).labels();
        assertThat(labels.get("__param_module")).isEqualTo("a");

        assertThat(TargetBuilder.scrapeUrl(labels, config.params()).toString())
                .isEqualTo("http://h:1/metrics?module=a&module=b&target=h%3A1");
    }

    @Test
    void scrapeUrlRejectsAddressesThatMakeNoUrl() {
        assertThatThrownBy(() -> TargetBuilder.scrapeUrl(Labels.of("__address__", "a b:1", "__scheme__", "http",
                "__metrics_path__", "/m"), Map.of())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a b:1");
    }

    @Test
    void intervalLabelUsesPrometheusDurationFormat() {
        ScrapeConfig config = Configs.withTiming(job, Duration.ofSeconds(90), Duration.ofMillis(1500));
        Labels labels = new TargetBuilder(config).build(Labels.of("__address__", "h:1"), Labels.EMPTY).labels();
        assertThat(labels.get("__scrape_interval__")).isEqualTo("1m30s");
        assertThat(labels.get("__scrape_timeout__")).isEqualTo("1s500ms");
    }
}

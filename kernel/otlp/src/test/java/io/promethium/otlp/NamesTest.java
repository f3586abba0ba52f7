package io.promethium.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promethium.otlp.Names.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The naming cases of Prometheus's otlptranslator library (metric_namer_test.go, label_namer_test.go). */
class NamesTest {

    @ParameterizedTest(name = "{0} [{1}] {2} {3} -> {4}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            // escaped, without suffixes
            "simple_metric|''|GAUGE|UnderscoreEscapingWithoutSuffixes|simple_metric",
            "metric@with#special$chars|''|GAUGE|UnderscoreEscapingWithoutSuffixes|metric_with_special_chars",
            "123metric|''|GAUGE|UnderscoreEscapingWithoutSuffixes|_123metric",
            "metric@@##$$name|''|GAUGE|UnderscoreEscapingWithoutSuffixes|metric_name",
            "requests|s|MONOTONIC_COUNTER|UnderscoreEscapingWithoutSuffixes|requests",
            // escaped, with suffixes (the default)
            "requests|''|MONOTONIC_COUNTER|UnderscoreEscapingWithSuffixes|requests_total",
            "cpu_usage|1|GAUGE|UnderscoreEscapingWithSuffixes|cpu_usage_ratio",
            "items|1|MONOTONIC_COUNTER|UnderscoreEscapingWithSuffixes|items_total",
            "response_time|ms|GAUGE|UnderscoreEscapingWithSuffixes|response_time_milliseconds",
            "memory_usage|By|GAUGE|UnderscoreEscapingWithSuffixes|memory_usage_bytes",
            "requests|1/s|GAUGE|UnderscoreEscapingWithSuffixes|requests_per_second",
            "throughput|By/s|GAUGE|UnderscoreEscapingWithSuffixes|throughput_bytes_per_second",
            "custom_metric|custom_unit|GAUGE|UnderscoreEscapingWithSuffixes|custom_metric_custom_unit",
            "custom_metric|{custom}|GAUGE|UnderscoreEscapingWithSuffixes|custom_metric",
            "custom_metric|By/{custom}|GAUGE|UnderscoreEscapingWithSuffixes|custom_metric_bytes",
            "requests_total|''|MONOTONIC_COUNTER|UnderscoreEscapingWithSuffixes|requests_total",
            "cpu_usage_ratio|1|GAUGE|UnderscoreEscapingWithSuffixes|cpu_usage_ratio",
            "response_time_seconds|s|GAUGE|UnderscoreEscapingWithSuffixes|response_time_seconds",
            "http.server.duration|s|HISTOGRAM|UnderscoreEscapingWithSuffixes|http_server_duration_seconds",
            "system.filesystem.usage|By|NON_MONOTONIC_COUNTER|UnderscoreEscapingWithSuffixes|system_filesystem_usage_bytes",
            "foo.bar|km/h|GAUGE|UnderscoreEscapingWithSuffixes|foo_bar_km_per_hour",
            "temperature|Cel|GAUGE|UnderscoreEscapingWithSuffixes|temperature_celsius",
            "disk|%|GAUGE|UnderscoreEscapingWithSuffixes|disk_percent",
            "total_requests|''|MONOTONIC_COUNTER|UnderscoreEscapingWithSuffixes|requests_total",
            "metric__with__underscores|''|GAUGE|UnderscoreEscapingWithSuffixes|metric_with_underscores",
            // UTF-8 kept, with suffixes
            "requests_total|''|MONOTONIC_COUNTER|NoUTF8EscapingWithSuffixes|requests_total",
            "cpu_seconds_total|s|MONOTONIC_COUNTER|NoUTF8EscapingWithSuffixes|cpu_seconds_total",
            "otelcol_process_cpu_seconds|s|MONOTONIC_COUNTER|NoUTF8EscapingWithSuffixes|otelcol_process_cpu_seconds_total",
            "http.server.duration|s|HISTOGRAM|NoUTF8EscapingWithSuffixes|http.server.duration_seconds",
            "métrica|By/s|GAUGE|NoUTF8EscapingWithSuffixes|métrica_bytes_per_second",
            "cpu.usage|1|GAUGE|NoUTF8EscapingWithSuffixes|cpu.usage_ratio",
            // UTF-8 kept, no suffixes
            "http.server.duration|s|HISTOGRAM|NoTranslation|http.server.duration",
    })
    void buildsMetricNamesAsPrometheus(String name, String unit, Kind kind, TranslationStrategy strategy, String want) throws Exception {
        assertEquals(want, Names.metricName(name, unit, kind, strategy));
    }

    @Test
    void refusesNamesThatNormalizeToNothing() {
        assertEquals("normalization for metric \"\" resulted in empty name", assertThrows(Names.InvalidName.class,
                () -> Names.metricName("", "", Kind.GAUGE, TranslationStrategy.UnderscoreEscapingWithoutSuffixes)).getMessage());
        assertEquals("normalization for metric \"@#$%\" resulted in empty name", assertThrows(Names.InvalidName.class,
                () -> Names.metricName("@#$%", "", Kind.GAUGE, TranslationStrategy.UnderscoreEscapingWithoutSuffixes)).getMessage());
        assertEquals("normalization for metric \"@_#_$_%\" resulted in invalid name \"_____\"", assertThrows(Names.InvalidName.class,
                () -> Names.metricName("@_#_$_%", "", Kind.GAUGE, TranslationStrategy.UnderscoreEscapingWithoutSuffixes)).getMessage());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "label:with:colons|label_with_colons",
            "LabelWithCapitalLetters|LabelWithCapitalLetters",
            "label!with&special$chars)|label_with_special_chars_",
            "label_with_foreign_characters_字符|label_with_foreign_characters_",
            "label.with.dots|label_with_dots",
            "123label|key_123label",
            "_label_starting_with_underscore|_label_starting_with_underscore",
            "__label_starting_with_2underscores|_label_starting_with_2underscores",
            "__reserved__|__reserved__",
            "label__with__many|label_with_many",
            "service.instance.id|service_instance_id",
    })
    void sanitizesLabelNamesAsPrometheus(String key, String want) throws Exception {
        assertEquals(want, Names.labelName(key, new Names.LabelRules(false, false, false)));
    }

    @Test
    void labelOptionsPrefixUnderscoresAndKeepRuns() throws Exception {
        assertEquals("key_label", Names.labelName("_label", new Names.LabelRules(false, true, false)));
        assertEquals("key_label_starting_with_2underscores",
                Names.labelName("__label_starting_with_2underscores", new Names.LabelRules(false, true, false)));
        assertEquals("__label_starting_with_2underscores",
                Names.labelName("__label_starting_with_2underscores", new Names.LabelRules(false, true, true)));
        assertEquals("normalization for label name \"ようこそ\" resulted in invalid name \"_\"",
                assertThrows(Names.InvalidName.class, () -> Names.labelName("ようこそ", new Names.LabelRules(false, false, false))).getMessage());
        assertEquals("label__with__many", Names.labelName("label__with__many", new Names.LabelRules(false, false, true)));
        assertEquals("service.name", Names.labelName("service.name", new Names.LabelRules(true, false, false)));
        assertEquals("label name \"___\" contains only underscores",
                assertThrows(Names.InvalidName.class, () -> Names.labelName("___", new Names.LabelRules(true, false, false))).getMessage());
        assertEquals("label name is empty",
                assertThrows(Names.InvalidName.class, () -> Names.labelName("", new Names.LabelRules(false, false, false))).getMessage());
    }

    @Test
    void unitMetadataIsTheSuffixWords() {
        assertEquals("milliseconds", Names.unit("ms"));
        assertEquals("bytes_per_second", Names.unit("By/s"));
        assertEquals("per_second", Names.unit("1/s"));
        assertEquals("", Names.unit("1"));
        assertEquals("", Names.unit("{request}"));
    }
}

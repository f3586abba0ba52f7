package io.promethium.api.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.testing.TestNotifications;
import io.promethium.api.testing.TestNotifierContext;
import io.promethium.api.testing.UnsupportedHttpClientFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config and send helpers of the notify package: secrets, URLs, templates, runes, group keys. */
class NotifierHelpersTest {

    @TempDir
    Path dir;

    /** Fails to parse a text holding "{{ bad", renders by upper-casing; enough to see which field is named. */
    private static final TemplateRenderer RENDERER = new TemplateRenderer() {
        @Override
        public void check(String text) throws ConfigException {
            if (text.contains("{{ bad")) {
                throw new ConfigException("template: text:1: unexpected bad");
            }
        }

        @Override
        public String render(String text, Notification notification) throws NotifyException {
            if (text.contains("{{ bad")) {
                throw NotifyException.doNotRetry("template: text:1: unexpected bad", null);
            }
            return text.toUpperCase();
        }

        @Override
        public String renderHtml(String text, Notification notification) throws NotifyException {
            return render(text, notification).replace("<", "&lt;");
        }
    };

    private TestNotifierContext context(TemplateRenderer templates) {
        return new TestNotifierContext(dir, "team", new UnsupportedHttpClientFactory(), templates);
    }

    private static PluginConfig block(Map<String, Object> values) {
        return new PluginConfig("opsgenie_configs", values, "am.yml:3:5");
    }

    @Test
    void secretInlineIsReadAsGivenAndNeverShown() throws Exception {
        SecretField s = SecretField.of(block(Map.of("api_key", "s3cr3t")), context(null), "api_key", "opsgenie_api_key");
        assertThat(s.read()).isEqualTo("s3cr3t");
        assertThat(s.toString()).doesNotContain("s3cr3t").contains("<secret>");
    }

    @Test
    void secretFileIsResolvedAgainstTheConfigFolderAndReadAtEachCall() throws Exception {
        Files.writeString(dir.resolve("key"), "first\n");
        SecretField s = SecretField.of(block(Map.of("api_key_file", "key")), context(null), "api_key", null);
        assertThat(s.file()).isEqualTo(dir.resolve("key"));
        assertThat(s.read()).isEqualTo("first");
        Files.writeString(dir.resolve("key"), "rotated");
        assertThat(s.read()).isEqualTo("rotated");
        assertThat(s.toString()).doesNotContain("rotated");
    }

    @Test
    void secretFileMissingAtSendIsRetryableAndNamesTheFieldFile() {
        SecretField s = new SecretField("api_key", null, dir.resolve("absent"));
        assertThatThrownBy(s::read).isInstanceOfSatisfying(NotifyException.class, e -> {
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).startsWith("api_key_file ").contains("absent").contains("NoSuchFileException");
        });
    }

    @Test
    void secretInlineAndFileTogetherAreRefusedAtTheFieldLocation() {
        assertThatThrownBy(() -> SecretField.of(block(Map.of("api_key", "a", "api_key_file", "f")), context(null), "api_key", null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("am.yml:3:5")
                .hasMessageContaining("at most one of api_key & api_key_file must be configured");
    }

    @Test
    void secretFallsBackToTheGlobalPairOnlyWhenTheBlockHasNeither() throws Exception {
        TestNotifierContext ctx = context(null).global("opsgenie_api_key_file", "gkey");
        Files.writeString(dir.resolve("gkey"), "global");
        assertThat(SecretField.of(block(Map.of()), ctx, "api_key", "opsgenie_api_key").read()).isEqualTo("global");
        assertThat(SecretField.of(block(Map.of("api_key", "own")), ctx, "api_key", "opsgenie_api_key").read()).isEqualTo("own");
        assertThat(SecretField.of(block(Map.of("api_key", "")), context(null), "api_key", "opsgenie_api_key")).isNull();
        assertThat(SecretField.of(block(Map.of()), ctx, "api_key", null)).isNull();
    }

    @Test
    void globalStringIsNullWhenAbsentOrEmpty() {
        TestNotifierContext ctx = context(null).global("a", "x").global("b", "").global("n", 3);
        assertThat(ctx.globalString("a")).isEqualTo("x");
        assertThat(ctx.globalString("b")).isNull();
        assertThat(ctx.globalString("c")).isNull();
        assertThat(ctx.globalString("n")).isEqualTo("3");
    }

    @Test
    void httpConfigOfTheBlockElseTheGlobalIsCheckedForUnknownFields() throws Exception {
        assertThatThrownBy(() -> context(null).validateHttpConfig(block(Map.of("http_config", Map.of("proxy_ur", "x")))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("proxy_ur");
        assertThatThrownBy(() -> context(null).global("http_config", Map.of("bogus", 1)).validateHttpConfig(block(Map.of())))
                .hasMessageContaining("bogus");
        assertThat(context(null).validateHttpConfig(block(Map.of())).values()).isEmpty();
    }

    @Test
    void urlMustBeHttpOrHttpsWithAHost() throws Exception {
        PluginConfig b = block(Map.of());
        assertThat(NotifierUrls.parse(b, "api_url", " https://api.example/v2/ ", false)).hasToString("https://api.example/v2/");
        assertThatThrownBy(() -> NotifierUrls.parse(b, "api_url", "ftp://x/", false))
                .hasMessageContaining("api_url: unsupported scheme or missing host").hasMessageContaining("ftp://x/");
        assertThatThrownBy(() -> NotifierUrls.parse(b, "api_url", "https:///path", false)).hasMessageContaining("missing host");
        assertThatThrownBy(() -> NotifierUrls.parse(b, "url", "http://h/ x", false)).hasMessageContaining("url: invalid URL");
    }

    @Test
    void secretUrlIsNotEchoedInItsError() {
        assertThatThrownBy(() -> NotifierUrls.parse(block(Map.of()), "webhook_url", "ftp://h/TOKEN", true))
                .hasMessageContaining("webhook_url").hasMessageNotContaining("TOKEN");
        assertThatThrownBy(() -> NotifierUrls.parse(block(Map.of()), "webhook_url", "http://h/ TOKEN", true))
                .hasMessageContaining("webhook_url: invalid URL").hasMessageNotContaining("TOKEN");
    }

    @Test
    void urlFromFileIsReadAtSendUnreadableIsRetriedGarbageIsNot() throws IOException {
        Files.writeString(dir.resolve("u"), "https://hooks.example/T/SECRET\n");
        assertThat(catching(() -> NotifierUrls.fromFile("url_file", dir.resolve("u")))).isNull();
        Files.writeString(dir.resolve("bad"), "http://h/ SECRET");
        NotifyException garbage = catching(() -> NotifierUrls.fromFile("url_file", dir.resolve("bad")));
        assertThat(garbage.retryable()).isFalse();
        assertThat(garbage.getMessage()).contains("url_file").doesNotContain("SECRET");
        NotifyException missing = catching(() -> NotifierUrls.fromFile("url_file", dir.resolve("none")));
        assertThat(missing.retryable()).isTrue();
    }

    @Test
    void templateCheckNamesTheFieldAndPlacesANestedOneAtItsTopField() {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("message", "{{ .Status }}");
        t.put("description", null);
        t.put("details.summary", "{{ bad");
        PluginConfig b = new PluginConfig("opsgenie_configs", Map.of("details", Map.of()), "am.yml:3:5",
                Map.of("details", "am.yml:9:7"));
        assertThatThrownBy(() -> TemplateFields.check(b, context(RENDERER), t))
                .hasMessageContaining("am.yml:9:7")
                .hasMessageContaining("details.summary: template: text:1: unexpected bad");
    }

    @Test
    void templateCheckIsSkippedWithoutARenderer() throws Exception {
        TemplateFields.check(block(Map.of()), context(null), Map.of("message", "{{ bad"));
    }

    @Test
    void renderNamesTheFieldOfAFailingTemplateAndDoesNotRetry() throws Exception {
        Notification n = TestNotifications.diskFull(false);
        assertThat(TemplateFields.render(context(RENDERER), "title", "hello", n)).isEqualTo("HELLO");
        assertThat(TemplateFields.render(context(RENDERER), "title", "", n)).isEmpty();
        assertThat(TemplateFields.render(context(RENDERER), "title", null, n)).isEmpty();
        assertThatThrownBy(() -> TemplateFields.render(context(RENDERER), "title", "{{ bad", n))
                .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageStartingWith("title: template:");
    }

    @Test
    void truncationCountsCodePointsAndEndsWithAnEllipsis() {
        assertThat(Runes.truncate("abcdef", 6)).isEqualTo("abcdef");
        assertThat(Runes.truncate("abcdefg", 6)).isEqualTo("abcde…");
        // Four emoji (two chars each): a cut never splits a surrogate pair.
        assertThat(Runes.truncate("😀😀😀😀😀", 4)).isEqualTo("😀😀😀…");
        assertThat(Runes.truncate("abcdef", 3)).isEqualTo("abc");
        assertThat(Runes.longerThan("😀😀", 2)).isFalse();
        assertThat(Runes.longerThan("😀😀😀", 2)).isTrue();
    }

    @Test
    void goStringOrderIsCodePointOrderNotUtf16Order() {
        // U+1F600 (a surrogate pair) against U+FF21: Java's compareTo puts the pair first, Go's bytes last.
        assertThat("😀".compareTo("Ａ")).isNegative();
        assertThat(Runes.compare("😀", "Ａ")).isPositive();
        assertThat(Runes.compare("Ａ", "😀")).isNegative();
        assertThat(Runes.compare("a😀", "a😀")).isZero();
        assertThat(Runes.compare("ab", "abc")).isNegative();
        assertThat(Runes.compare("b", "abc")).isPositive();
        java.util.List<String> keys = new java.util.ArrayList<>(java.util.List.of("😀", "z", "Ａ", "A", "é"));
        keys.sort(Runes::compare);
        assertThat(keys).containsExactly("A", "z", "é", "Ａ", "😀");
    }

    @Test
    void groupKeyHashIsSha256Hex() {
        // sha256("") and sha256("abc"), the FIPS 180-2 examples.
        assertThat(GroupKeys.hash("")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(GroupKeys.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    private interface Call {
        void run() throws NotifyException;
    }

    private static NotifyException catching(Call call) {
        try {
            call.run();
            return null;
        } catch (NotifyException e) {
            return e;
        }
    }
}

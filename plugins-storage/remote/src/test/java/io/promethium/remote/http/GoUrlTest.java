package io.promethium.remote.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code url} judged as Prometheus judges it (Go's {@code url.Parse}). The refusals and their
 * messages are what the Debian promtool 2.42 prints for {@code remote_write: [{url: ...}]}; the
 * scheme-less URLs are Prometheus 3's {@code config/testdata/remote_write_retry_on_rate_limit.good.yml}.
 */
class GoUrlTest {

    private static URI url(String text) throws ConfigException {
        return RemoteHttp.url(new PluginConfig("remote_write", Map.of("url", text), "prometheus.yml:2:5"));
    }

    @Test
    void aUrlWithoutASchemeIsAcceptedAsPrometheus3Does() throws Exception {
        assertThat(url("localhost:9090").getScheme()).isEqualTo("localhost");
        assertThat(url("localhost:9201").toString()).isEqualTo("localhost:9201");
    }

    @Test
    void whatGoParsesIsAccepted() throws Exception {
        assertThat(url("").toString()).isEmpty();
        assertThat(url("ftp://x").getHost()).isEqualTo("x");
        assertThat(url("/path").getPath()).isEqualTo("/path");
        assertThat(url("http://h/a b").getRawPath()).isEqualTo("/a%20b");
        assertThat(url("http://[::1]:9090/api/v1/write").getPort()).isEqualTo(9090);
    }

    @Test
    void whatGoRefusesIsRefusedWithGosReason() {
        assertRefused("http://h:abc", "parse \"http://h:abc\": invalid port \":abc\" after host");
        assertRefused("1a:9", "parse \"1a:9\": first path segment in URL cannot contain colon");
        assertRefused("http://[::1", "parse \"http://[::1\": missing ']' in host");
        assertRefused("http://a b", "parse \"http://a b\": invalid character \" \" in host name");
        assertRefused("http://us er@h", "parse \"http://us er@h\": net/url: invalid userinfo");
        assertRefused("http://h/%zz", "parse \"http://h/%zz\": invalid URL escape \"%zz\"");
        assertRefused(":9090", "parse \":9090\": missing protocol scheme");
        assertRefused("http://h/\u0001", "parse \"http://h/\u0001\": net/url: invalid control character in URL");
    }

    @Test
    void anAbsentUrlIsEmptyAsPrometheusSays() {
        assertThatThrownBy(() -> RemoteHttp.url(new PluginConfig("remote_write", Map.of(), "prometheus.yml:2:5")))
                .hasMessage("prometheus.yml:2:5: url for remote_write is empty");
    }

    @Test
    void aSchemeTheClientCannotSendToFailsWhenUsedAsGosClientDoes() throws Exception {
        assertThat(GoUrl.unsendable("Post", url("localhost:9090")))
                .isEqualTo("Post \"localhost:9090\": unsupported protocol scheme \"localhost\"");
        assertThat(GoUrl.unsendable("Post", url("/path"))).isEqualTo("Post \"/path\": unsupported protocol scheme \"\"");
        assertThat(GoUrl.unsendable("Post", url("http://h:9090/w"))).isNull();
    }

    private static void assertRefused(String text, String message) {
        assertThatThrownBy(() -> url(text)).isInstanceOf(ConfigException.class).hasMessageContaining("url: " + message)
                .hasMessageContaining("prometheus.yml:2:5");
    }
}

package io.promethium.scrape.internal;

import io.promethium.config.model.ScrapeConfig;
import io.promethium.config.model.ScrapeLimits;
import io.promethium.exposition.ExpositionFormats;
import java.net.URI;

/** The bad-target cases against the JDK client, which serves HTTPS targets and redirects. */
class JdkClientBadTargetTest extends BadTargetTest {

    JdkClientBadTargetTest() throws java.io.IOException {
        super();
    }

    @Override
    PageFetcher fetcher(ScrapeConfig config, URI url, ScrapeLimits limits) throws Exception {
        HttpClientShards clients = new HttpClientShards(config.httpClient(), null);
        RequestHeaders headers = new RequestHeaders(new io.promethium.config.http.Credentials(config.httpClient(), null),
                ExpositionFormats.acceptHeader(config.scrapeProtocols()), true, config.scrapeTimeout(), false);
        return new JdkHttpFetcher(clients.client(0), url, config.scrapeTimeout(), limits.bodySizeLimit(), headers);
    }

    /** The JDK client's own message, which depends on when it sees the reset ("header parser received no bytes"). */
    @Override
    void assertNamesTheReset(String error) {
        org.assertj.core.api.Assertions.assertThat(error).startsWith("Get \"http://").hasSizeGreaterThan(30);
    }
}

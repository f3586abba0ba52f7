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
        RequestHeaders headers = new RequestHeaders(config.httpClient(), null,
                ExpositionFormats.acceptHeader(config.scrapeProtocols()), true, config.scrapeTimeout());
        return new JdkHttpFetcher(HttpClients.create(config.httpClient(), null), url, config.scrapeTimeout(),
                limits.bodySizeLimit(), headers);
    }
}

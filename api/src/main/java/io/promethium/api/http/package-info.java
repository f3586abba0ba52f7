/**
 * HTTP clients configured the way every Prometheus component reads {@code http_client_config}:
 * {@code basic_auth}, {@code authorization} (and the older {@code bearer_token}),
 * {@code oauth2} (client credentials, tokens refreshed before they expire), {@code tls_config},
 * {@code proxy_url}, {@code no_proxy}, {@code proxy_from_environment},
 * {@code proxy_connect_header}, {@code follow_redirects}, {@code enable_http2} and
 * {@code http_headers}. A plugin gets the {@link io.promethium.api.http.HttpClientFactory} from
 * its {@link io.promethium.api.plugin.PluginContext} (or as an OSGi service) and receives a
 * {@link io.promethium.api.http.ConfiguredHttpClient}: the same settings mean the same thing in
 * scrapes, Alertmanagers, discovery, notifiers and remote write.
 *
 * <p>1.1.0: {@link io.promethium.api.http.HttpClientFactory#tls} gives a
 * {@link io.promethium.api.http.ClientTls} (an {@code SSLContext} that checks the peer's name,
 * and the socket parameters) for a {@code tls_config} used outside HTTP, such as SMTP.
 *
 * <p>1.2.0: {@link io.promethium.api.http.ConfiguredHttpClient#headers} gives the headers
 * {@code send} adds besides {@code Authorization} ({@code http_headers}), for clients that send
 * through their own transport.
 */
@Export
@Version("1.2.0")
package io.promethium.api.http;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

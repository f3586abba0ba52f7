/**
 * The one implementation of Prometheus's {@code http_client_config}: parsed from a config block
 * by {@link io.promethium.config.http.HttpClientConfigParser} (core sections and plugin blocks
 * alike), turned into a JDK transport by {@link io.promethium.config.http.HttpTransports} (TLS,
 * proxy rules, redirects, HTTP/2) and into request credentials by
 * {@link io.promethium.config.http.Credentials} (basic auth, authorization, OAuth2 client
 * credentials). {@link io.promethium.config.http.KernelHttpClientFactory} offers them to plugins
 * as the api's {@code HttpClientFactory}.
 */
@Export
@Version("1.0.0")
package io.promethium.config.http;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

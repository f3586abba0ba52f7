package io.promethium.api.config;

import io.promethium.api.http.HttpClientFactory;
import io.promethium.api.model.Labels;
import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/** What the config loader gives a {@link ConfigSection} along with its entries. */
@ProviderType
public interface SectionContext {

    /** {@code global.external_labels}. */
    Labels externalLabels();

    /** The folder of the config file; relative file names resolve against it. */
    Path configDirectory();

    /**
     * Compiles a {@code relabel_configs}-shaped list held in {@code field} of {@code entry} (for
     * example {@code write_relabel_configs}) with Prometheus's semantics for every action.
     *
     * @return the rewriter; {@link LabelRewriter#IDENTITY} when the field is absent
     * @throws ConfigException naming the bad rule and where it is
     */
    LabelRewriter relabeling(PluginConfig entry, String field) throws ConfigException;

    /**
     * The kernel's HTTP client factory, for entries that embed {@code http_client_config}
     * ({@code remote_write}, {@code remote_read}): validate with it and create the entry's
     * client, so TLS, auth, OAuth2, proxies and headers mean what they mean everywhere else.
     *
     * @since 1.3
     */
    HttpClientFactory httpClients();
}

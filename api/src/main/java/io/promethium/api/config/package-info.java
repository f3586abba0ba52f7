/**
 * Config routing by key. A plugin extends the Prometheus config format by owning a key: a
 * discovery factory of type {@code consul} owns {@code consul_sd_configs:}, a notifier factory of
 * type {@code slack} owns {@code slack_configs:}. The kernel hands each block under an owned key
 * to the owner as a {@link io.promethium.api.config.PluginConfig}; a key that no installed plugin
 * owns is a config error naming the key. A plugin owns a whole top-level list (such as
 * {@code remote_write:}) by registering a {@link io.promethium.api.config.ConfigSection} (1.2.0).
 *
 * <p>1.5.0: {@link io.promethium.api.config.YamlMapping}, a mapping of a block's values that says
 * which keys were written as plain scalars (for Alertmanager's {@code any} fields).
 */
@Export
@Version("1.5.0")
package io.promethium.api.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

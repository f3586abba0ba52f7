/**
 * What the web bundle hands the bundles that serve parts of its API from elsewhere (the plugin
 * admin API, a JAX-RS resource in {@code promethium-admin}): who may use the admin actions, and
 * Prometheus's JSON and form-body rules, so their answers are byte for byte the built-in ones.
 * Kernel bundles only; plugins use {@code io.promethium.api.web}.
 */
@Export
@Version("1.0.0")
package io.promethium.web.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

/**
 * TLS contexts built from the PEM files that {@code tls_config} blocks and the web config file
 * name; shared by every bundle that talks TLS to a peer.
 */
@Export
@Version("1.0.0")
package io.promethium.config.tls;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

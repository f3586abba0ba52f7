/**
 * What the launcher offers the bundles: the plugin folder, server facts (flags, start time,
 * version), lifecycle actions and the threads stopped bundles left running. The launcher exports
 * this package through the system bundle and registers one service of each interface.
 */
@Export
@Version("1.3.0")
package io.promethium.launcher.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

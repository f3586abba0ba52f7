/**
 * The one lifecycle rule for plugin services, written once for every consumer.
 * {@link io.promethium.config.lifecycle.PluginTracker} follows the services of one plugin kind
 * (discoverer factories, notifier factories, exporters) by type; a consumer asks it for a
 * {@link io.promethium.config.lifecycle.PluginUse} per config part and says, with a
 * {@link io.promethium.config.lifecycle.PluginBuilder}, how to build that part from a service and
 * how to close it. When a service goes, everything built from it is closed and its parts wait;
 * when a service of the same type arrives (a replacement or a newer version), every part of that
 * type is rebuilt from it at once. Parts that wait are counted in
 * {@code promethium_config_waiting_plugin{key}}.
 */
@Export
@Version("1.1.0")
package io.promethium.config.lifecycle;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

/**
 * Command-line tools contributed by bundles: {@code promethium check config FILE},
 * {@code promethium tsdb list DIR}, or a plugin's own {@code promethium mycorp export ...}. A bundle
 * implements {@link io.promethium.api.tool.Tool}, registers it as an OSGi service and lists it in
 * {@code META-INF/services/io.promethium.api.tool.Tool}; the launcher runs tools without starting
 * the server (on a flat class path, for start-up time), so it finds them in that file of each
 * jar, as {@link java.util.ServiceLoader} would. The launcher names no tool: {@code promethium --help} lists
 * what the installed bundles and plugins provide. A tool reads its arguments with
 * {@link io.promethium.api.tool.CommandLine} (since 1.1.0), which parses and words usage errors as
 * promtool does, and (since 1.2.0) promtool's global {@code --enable-feature} on every command.
 */
@Export
@Version("1.2.0")
package io.promethium.api.tool;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

/**
 * A YAML tree that remembers where each node came from, so config errors name file, line and
 * column. Read with Jackson's streaming YAML parser; scalars are kept as written and typed
 * later by the config mapper.
 */
@Export
@Version("1.2.0")
package io.promethium.config.yaml;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

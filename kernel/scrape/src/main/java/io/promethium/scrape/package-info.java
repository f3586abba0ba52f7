/**
 * The scrape manager's view for the web layer: {@link io.promethium.scrape.ScrapeTargets} is
 * registered as a service and lists active and dropped targets ({@code /api/v1/targets}) and
 * the metadata each target exposes ({@code /api/v1/targets/metadata}, {@code /api/v1/metadata}).
 */
@Export
@Version("1.2.0")
package io.promethium.scrape;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

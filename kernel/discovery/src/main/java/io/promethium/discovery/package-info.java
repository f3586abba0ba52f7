/**
 * The discovery manager's service: {@link io.promethium.discovery.DiscoveryService} runs the
 * discoverers of every consumer (scrape, alerting) once per distinct config block, and hands
 * each consumer the groups of its target sets through a
 * {@link io.promethium.discovery.TargetSetListener}, at most once per update interval.
 * {@link io.promethium.discovery.DiscoveryManager} is the implementation, usable without OSGi.
 */
@Export
@Version("1.4.0")
package io.promethium.discovery;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

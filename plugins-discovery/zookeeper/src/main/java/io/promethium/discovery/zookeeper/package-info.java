/**
 * nerve_sd_configs and serverset_sd_configs: members that AirBnB's Nerve or Twitter's
 * serversets register as ZooKeeper nodes, followed with ZooKeeper watches. The bundle registers
 * a {@link io.promethium.api.discovery.DiscovererFactory} of type {@code nerve} and one of type
 * {@code serverset}; the implementation lives in the private {@code internal} package.
 */
package io.promethium.discovery.zookeeper;

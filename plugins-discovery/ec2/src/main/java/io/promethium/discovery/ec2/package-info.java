/**
 * ec2_sd_configs: EC2 instances of one region, from the EC2 API (Query protocol) signed with AWS SigV4, refreshed every interval. The bundle registers a
 * {@link io.promethium.api.discovery.DiscovererFactory} of type {@code ec2}; its implementation
 * lives in the private {@code internal} package.
 */
package io.promethium.discovery.ec2;

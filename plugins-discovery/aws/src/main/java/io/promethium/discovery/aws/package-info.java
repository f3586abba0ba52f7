/**
 * ec2_sd_configs and lightsail_sd_configs: EC2 and Lightsail instances of one region, from their
 * APIs signed with AWS SigV4. The bundle registers two
 * {@link io.promethium.api.discovery.DiscovererFactory} services, of types {@code ec2} and
 * {@code lightsail}; their implementation lives in the private {@code internal} package.
 */
package io.promethium.discovery.aws;

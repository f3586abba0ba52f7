/**
 * kubernetes_sd_configs: nodes, services, pods, endpoints, endpoint slices and ingresses from the
 * Kubernetes API, watched through fabric8 informers shared by every job that needs the same
 * objects. The bundle registers a {@link io.promethium.api.discovery.DiscovererFactory} of type
 * {@code kubernetes}; its implementation lives in the private {@code internal} package.
 */
package io.promethium.discovery.kubernetes;

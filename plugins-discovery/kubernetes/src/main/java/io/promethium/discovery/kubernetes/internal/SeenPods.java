package io.promethium.discovery.kubernetes.internal;

import static io.promethium.discovery.kubernetes.internal.MetaLabels.ADDRESS;
import static io.promethium.discovery.kubernetes.internal.MetaLabels.list;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.promethium.api.model.Labels;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pods an endpoints object pointed at, with the ports it used: their other container ports
 * become targets too (as Prometheus does), so a pod's metrics port is found even when the
 * service does not expose it.
 */
final class SeenPods {

    private final Map<String, Pod> pods = new LinkedHashMap<>();
    private final Map<String, Set<Integer>> usedPorts = new HashMap<>();

    void saw(Pod pod, Integer port) {
        String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
        pods.putIfAbsent(key, pod);
        Set<Integer> used = usedPorts.computeIfAbsent(key, k -> new HashSet<>());
        if (port != null) {
            used.add(port);
        }
    }

    void addRemainingPorts(List<Labels> targets) {
        for (Map.Entry<String, Pod> entry : pods.entrySet()) {
            Pod pod = entry.getValue();
            String ip = PodTargets.podIp(pod);
            if (ip.isEmpty()) {
                continue;
            }
            Set<Integer> used = usedPorts.get(entry.getKey());
            List<Container> containers = PodTargets.allContainers(pod);
            int regular = PodTargets.regularContainers(pod);
            for (int i = 0; i < containers.size(); i++) {
                Container c = containers.get(i);
                for (ContainerPort cport : list(c.getPorts())) {
                    if (cport.getContainerPort() == null || used.contains(cport.getContainerPort())) {
                        continue;
                    }
                    Map<String, String> t = new HashMap<>();
                    PodTargets.addPodLabels(t, pod);
                    PodTargets.addContainerPort(t, c, cport, i >= regular);
                    t.put(ADDRESS, MetaLabels.joinHostPort(ip, cport.getContainerPort()));
                    targets.add(Labels.fromMap(t));
                }
            }
        }
    }
}

package io.promethium.discovery.kubernetes.internal;

import static io.promethium.discovery.kubernetes.internal.MetaLabels.ADDRESS;
import static io.promethium.discovery.kubernetes.internal.MetaLabels.PREFIX;
import static io.promethium.discovery.kubernetes.internal.MetaLabels.list;
import static io.promethium.discovery.kubernetes.internal.MetaLabels.nonNull;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pod role: one target per declared container port (init containers included), one
 * port-less target per container without ports; and the pod labels the endpoints roles attach.
 */
final class PodTargets {

    static final String POD_IP = PREFIX + "pod_ip";
    static final String CONTAINER_NAME = PREFIX + "pod_container_name";
    static final String CONTAINER_ID = PREFIX + "pod_container_id";
    static final String CONTAINER_IMAGE = PREFIX + "pod_container_image";
    static final String CONTAINER_INIT = PREFIX + "pod_container_init";
    static final String PORT_NAME = PREFIX + "pod_container_port_name";
    static final String PORT_NUMBER = PREFIX + "pod_container_port_number";
    static final String PORT_PROTOCOL = PREFIX + "pod_container_port_protocol";

    private PodTargets() {
    }

    static String source(String namespace, String name) {
        return "pod/" + namespace + "/" + name;
    }

    /** The labels of a pod shared by all its targets (without the namespace). */
    static void addPodLabels(Map<String, String> into, Pod pod) {
        var status = pod.getStatus();
        into.put(POD_IP, status == null ? "" : nonNull(status.getPodIP()));
        into.put(PREFIX + "pod_ready", ready(pod));
        into.put(PREFIX + "pod_phase", status == null ? "" : nonNull(status.getPhase()));
        into.put(PREFIX + "pod_node_name", pod.getSpec() == null ? "" : nonNull(pod.getSpec().getNodeName()));
        into.put(PREFIX + "pod_host_ip", status == null ? "" : nonNull(status.getHostIP()));
        into.put(PREFIX + "pod_uid", nonNull(pod.getMetadata().getUid()));
        MetaLabels.addObjectMeta(into, pod.getMetadata(), "pod");
        OwnerReference controller = MetaLabels.controllerOf(pod.getMetadata());
        if (controller != null) {
            if (controller.getKind() != null && !controller.getKind().isEmpty()) {
                into.put(PREFIX + "pod_controller_kind", controller.getKind());
            }
            if (controller.getName() != null && !controller.getName().isEmpty()) {
                into.put(PREFIX + "pod_controller_name", controller.getName());
            }
        }
    }

    /** The Ready condition's status in lower case, {@code unknown} without one. */
    static String ready(Pod pod) {
        if (pod.getStatus() != null) {
            for (PodCondition condition : list(pod.getStatus().getConditions())) {
                if ("Ready".equals(condition.getType())) {
                    return nonNull(condition.getStatus()).toLowerCase(Locale.ROOT);
                }
            }
        }
        return "unknown";
    }

    static String podIp(Pod pod) {
        return pod.getStatus() == null ? "" : nonNull(pod.getStatus().getPodIP());
    }

    /** Containers then init containers, as Prometheus lists them; index >= containers().size() means init. */
    static List<Container> allContainers(Pod pod) {
        if (pod.getSpec() == null) {
            return List.of();
        }
        List<Container> all = new ArrayList<>(list(pod.getSpec().getContainers()));
        all.addAll(list(pod.getSpec().getInitContainers()));
        return all;
    }

    static int regularContainers(Pod pod) {
        return pod.getSpec() == null ? 0 : list(pod.getSpec().getContainers()).size();
    }

    /** Builds the group of one pod; a pod without an IP (starting, evicted) has no targets. */
    static TargetGroup build(Pod pod, Map<String, String> extraGroupLabels) {
        String source = source(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
        String ip = podIp(pod);
        if (ip.isEmpty()) {
            return new TargetGroup(source, List.of(), Labels.EMPTY);
        }
        Map<String, String> group = new HashMap<>();
        addPodLabels(group, pod);
        group.put(MetaLabels.NAMESPACE, nonNull(pod.getMetadata().getNamespace()));
        group.putAll(extraGroupLabels);
        List<Labels> targets = new ArrayList<>();
        List<Container> containers = allContainers(pod);
        int regular = regularContainers(pod);
        for (int i = 0; i < containers.size(); i++) {
            Container c = containers.get(i);
            boolean init = i >= regular;
            String id = containerId(pod, c.getName(), init);
            List<ContainerPort> ports = list(c.getPorts());
            if (ports.isEmpty()) {
                targets.add(Labels.fromMap(Map.of(ADDRESS, ip, CONTAINER_NAME, nonNull(c.getName()), CONTAINER_ID, id,
                        CONTAINER_IMAGE, nonNull(c.getImage()), CONTAINER_INIT, Boolean.toString(init))));
                continue;
            }
            for (ContainerPort port : ports) {
                long number = port.getContainerPort() == null ? 0 : port.getContainerPort();
                Map<String, String> t = new HashMap<>();
                t.put(ADDRESS, MetaLabels.joinHostPort(ip, number));
                t.put(CONTAINER_NAME, nonNull(c.getName()));
                t.put(CONTAINER_ID, id);
                t.put(CONTAINER_IMAGE, nonNull(c.getImage()));
                t.put(PORT_NUMBER, Long.toString(number));
                t.put(PORT_NAME, nonNull(port.getName()));
                t.put(PORT_PROTOCOL, nonNull(port.getProtocol()));
                t.put(CONTAINER_INIT, Boolean.toString(init));
                targets.add(Labels.fromMap(t));
            }
        }
        return new TargetGroup(source, targets, Labels.fromMap(group));
    }

    private static String containerId(Pod pod, String name, boolean init) {
        if (pod.getStatus() == null) {
            return "";
        }
        for (ContainerStatus s : list(init ? pod.getStatus().getInitContainerStatuses() : pod.getStatus().getContainerStatuses())) {
            if (s.getName() != null && s.getName().equals(name)) {
                return nonNull(s.getContainerID());
            }
        }
        return "";
    }

    /** Container labels for an endpoint port that matches one of the pod's container ports, if any. */
    static void addMatchingContainer(Map<String, String> target, Pod pod, Integer endpointPort) {
        if (endpointPort == null) {
            return;
        }
        List<Container> containers = allContainers(pod);
        int regular = regularContainers(pod);
        for (int i = 0; i < containers.size(); i++) {
            Container c = containers.get(i);
            for (ContainerPort cport : list(c.getPorts())) {
                if (endpointPort.equals(cport.getContainerPort())) {
                    addContainerPort(target, c, cport, i >= regular);
                    return;
                }
            }
        }
    }

    static void addContainerPort(Map<String, String> target, Container c, ContainerPort cport, boolean init) {
        target.put(CONTAINER_NAME, nonNull(c.getName()));
        target.put(CONTAINER_IMAGE, nonNull(c.getImage()));
        target.put(PORT_NAME, nonNull(cport.getName()));
        target.put(PORT_NUMBER, String.valueOf(cport.getContainerPort() == null ? 0 : cport.getContainerPort()));
        target.put(PORT_PROTOCOL, nonNull(cport.getProtocol()));
        target.put(CONTAINER_INIT, Boolean.toString(init));
    }
}

package io.promethium.web.internal.routes;

import java.util.Set;
import java.util.TreeSet;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.model.Resource;

/** The path templates of the web bundle's own JAX-RS resources, which bundles' routes may not hide. */
public final class BuiltInPaths {

    private BuiltInPaths() {
    }

    public static Set<String> of(ResourceConfig application) {
        Set<String> paths = new TreeSet<>();
        for (Object instance : application.getInstances()) {
            if (instance.getClass().isAnnotationPresent(jakarta.ws.rs.Path.class)) {
                collect(Resource.from(instance.getClass()), "", paths);
            }
        }
        return paths;
    }

    private static void collect(Resource resource, String parent, Set<String> paths) {
        String path = join(parent, resource.getPath());
        if (!resource.getResourceMethods().isEmpty()) {
            paths.add(path);
        }
        for (Resource child : resource.getChildResources()) {
            collect(child, path, paths);
        }
    }

    private static String join(String parent, String path) {
        if (path == null || path.isEmpty() || path.equals("/")) {
            return parent.isEmpty() ? "/" : parent;
        }
        String p = path.startsWith("/") ? path : "/" + path;
        if (p.endsWith("/") && p.length() > 1) {
            p = p.substring(0, p.length() - 1);
        }
        return parent.equals("/") ? p : parent + p;
    }
}

package io.promethium.web.internal.routes;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.glassfish.jersey.server.ResourceConfig;

/**
 * The path templates of the web bundle's own JAX-RS resources, which bundles' routes may not hide:
 * every path with a resource method, as Jersey's resource model lists them. Read from the
 * annotations directly: building Jersey's model here cost ~5% of the server's start, and Jersey
 * builds its own when the application is initialised (after the server is ready).
 */
public final class BuiltInPaths {

    private BuiltInPaths() {
    }

    public static Set<String> of(ResourceConfig application) {
        List<Class<?>> classes = new ArrayList<>();
        for (Object instance : application.getInstances()) {
            classes.add(instance.getClass());
        }
        return ofClasses(classes);
    }

    /** The paths of these classes' resource methods (classes without {@code @Path} have none). */
    public static Set<String> ofClasses(Iterable<Class<?>> classes) {
        Set<String> paths = new TreeSet<>();
        for (Class<?> type : classes) {
            Path root = type.getAnnotation(Path.class);
            if (root == null) {
                continue;
            }
            String base = join("", root.value());
            for (Method method : type.getMethods()) {
                if (!isResourceMethod(method)) {
                    continue; // a sub-resource locator or a plain method
                }
                Path path = method.getAnnotation(Path.class);
                paths.add(path == null ? base : join(base, path.value()));
            }
        }
        return paths;
    }

    private static boolean isResourceMethod(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            if (annotation.annotationType().isAnnotationPresent(HttpMethod.class)) {
                return true;
            }
        }
        return false;
    }

    private static String join(String parent, String path) {
        if (path == null || path.isEmpty() || path.equals("/")) {
            return parent.isEmpty() ? "/" : parent;
        }
        String p = path.startsWith("/") ? path : "/" + path;
        if (p.endsWith("/") && p.length() > 1) {
            p = p.substring(0, p.length() - 1);
        }
        return parent.equals("/") || parent.isEmpty() ? p : parent + p;
    }
}

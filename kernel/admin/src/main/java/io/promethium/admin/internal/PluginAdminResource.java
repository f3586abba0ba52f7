package io.promethium.admin.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.config.lifecycle.PluginFailure;
import io.promethium.config.lifecycle.PluginStates;
import io.promethium.launcher.spi.BundleStates;
import io.promethium.launcher.spi.LeakedThread;
import io.promethium.launcher.spi.PluginDirectory;
import io.promethium.launcher.spi.PluginFile;
import io.promethium.launcher.spi.PluginRefusedException;
import io.promethium.launcher.spi.PluginThreads;
import io.promethium.web.spi.AdminAccess;
import io.promethium.web.spi.ApiSupport;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/**
 * The plugin admin API, {@code /api/v1/admin/plugins}: list every bundle with its state,
 * services, owned config keys, last error, threads it left running when it stopped and (plugins)
 * signature; install (upload), start,
 * stop, update and uninstall. A JAX-RS resource served through the Jakarta REST whiteboard
 * (promethium-rest), answered as the web bundle's route answered it: Prometheus's JSON envelope
 * and error types. Listing answers {@code unavailable} unless the server runs with
 * {@code --web.enable-admin-api}; the actions answer {@code forbidden} (403) saying why unless
 * {@link AdminAccess} allows them. A refused upload answers 400 (403 for its signature) with the
 * reason and leaves nothing behind.
 */
@Path("api/v1/admin/plugins")
public final class PluginAdminResource {

    private static final Logger LOG = Logger.getLogger(PluginAdminResource.class.getName());

    /** Uploads above this size are refused before they are written. */
    static final long MAX_UPLOAD_BYTES = 64L << 20;

    private final BundleContext context;
    private final PluginDirectory plugins;
    private final AdminAccess access;
    private final Supplier<PluginStates> states;
    private final PluginThreads threads;
    /** Bundles this API does not stop, update or uninstall: the framework, the web bundle, this one. */
    private final Set<Long> kept;

    /**
     * @param states the plugin trackers' waiting config parts and last failures (null while the
     *               config bundle is not there): waiting keys are listed as rows of their own,
     *               a plugin's failures under its bundle
     * @param threads the threads stopped bundles left running, shown under the bundles of their
     *                symbolic name (a row of its own when none is installed any more)
     * @param kept   the ids of the bundles the actions refuse to stop, update or uninstall
     *               (the framework's, 0, is always one)
     */
    public PluginAdminResource(BundleContext context, PluginDirectory plugins, AdminAccess access,
                               Supplier<PluginStates> states, PluginThreads threads, Set<Long> kept) {
        this.context = Objects.requireNonNull(context, "context is null");
        this.plugins = Objects.requireNonNull(plugins, "plugins is null");
        this.access = Objects.requireNonNull(access, "access is null");
        this.states = Objects.requireNonNull(states, "states is null");
        this.threads = Objects.requireNonNull(threads, "threads is null");
        this.kept = Set.copyOf(kept);
    }

    // The methods that may carry a body take it, as the route did: a form-encoded one over the
    // limit is refused before anything else. GETs take neither body (Jersey warns of a GET that
    // consumes an entity) nor headers (each @Context parameter is an injection per request).

    @GET
    public Response list() {
        return answer(null, null, in -> {
            requireEnabled();
            return success(this::writeList);
        });
    }

    @GET
    @Path("{id}")
    public Response get(@PathParam("id") String id) {
        return answer(null, null, in -> get(id(id)));
    }

    /** Upload: the request body is the jar; {@code file} names it in the plugin folder. */
    @POST
    public Response install(@Context UriInfo uri, @Context HttpHeaders headers, InputStream body) {
        return answer(headers, body, in -> {
            List<String> names = uri.getQueryParameters().getOrDefault("file", List.of());
            String fileName = names.isEmpty() ? null : names.get(0);
            requireWrites();
            if (fileName == null || fileName.isEmpty()) {
                throw new AdminError(AdminError.Type.BAD_DATA, "missing query parameter \"file\" (the jar's file name, e.g. my-plugin.jar)");
            }
            PluginFile file = store(fileName, in);
            return get(file.bundleId());
        });
    }

    @POST
    @Path("{id}/start")
    public Response start(@PathParam("id") String idSegment, @Context HttpHeaders headers, InputStream body) {
        return answer(headers, body, in -> {
            long id = id(idSegment);
            requireWrites();
            Bundle bundle = bundle(id);
            try {
                bundle.start();
            } catch (BundleException | IllegalStateException e) {
                throw new AdminError(AdminError.Type.EXECUTION, "cannot start bundle " + id + ": " + e.getMessage());
            }
            return get(id);
        });
    }

    @POST
    @Path("{id}/stop")
    public Response stop(@PathParam("id") String idSegment, @Context HttpHeaders headers, InputStream body) {
        return answer(headers, body, in -> {
            long id = id(idSegment);
            requireWrites();
            Bundle bundle = bundle(id);
            requireChangeable(bundle, "stopped");
            try {
                bundle.stop();
            } catch (BundleException | IllegalStateException e) {
                throw new AdminError(AdminError.Type.EXECUTION, "cannot stop bundle " + id + ": " + e.getMessage());
            }
            return get(id);
        });
    }

    /**
     * Update: the body is the new jar. A plugin's file or a core bundle is replaced atomically (the
     * running version runs on when the new one fails); the answer is the new bundle.
     */
    @PUT
    @Path("{id}")
    public Response update(@PathParam("id") String idSegment, @Context HttpHeaders headers, InputStream body) {
        return answer(headers, body, in -> {
            long id = id(idSegment);
            requireWrites();
            Bundle bundle = bundle(id);
            requireChangeable(bundle, "updated");
            PluginFile file = fileOf(id);
            if (file != null) {
                return get(store(file.fileName(), in).bundleId());
            }
            java.nio.file.Path staged = Files.createTempFile("promethium-bundle-update-", ".jar");
            try {
                Files.copy(limited(in), staged, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                id = plugins.replaceBundle(id, staged);
            } catch (IOException e) {
                throw refused("bundle " + id, e);
            } finally {
                Files.deleteIfExists(staged);
            }
            return get(id);
        });
    }

    @DELETE
    @Path("{id}")
    public Response uninstall(@PathParam("id") String idSegment, @Context HttpHeaders headers, InputStream body) {
        return answer(headers, body, in -> {
            long id = id(idSegment);
            requireWrites();
            Bundle bundle = bundle(id);
            requireChangeable(bundle, "uninstalled");
            PluginFile file = fileOf(id);
            try {
                if (file != null) {
                    plugins.remove(file.fileName());
                } else {
                    bundle.uninstall();
                }
            } catch (IOException | BundleException e) {
                throw new AdminError(AdminError.Type.EXECUTION, "cannot uninstall bundle " + id + ": " + e.getMessage());
            }
            return success(JsonGenerator::writeNull);
        });
    }

    /** One request's work, given the body the form limit let through. */
    @FunctionalInterface
    private interface Action {
        Response run(InputStream body) throws IOException;
    }

    /**
     * Runs an action and answers its errors as the route did: an {@link AdminError} as
     * Prometheus's error JSON, anything else as a logged {@code internal} error.
     */
    private Response answer(HttpHeaders headers, InputStream body, Action action) {
        try {
            return action.run(formLimited(headers, body));
        } catch (AdminError e) {
            return json(e.type().status(), g -> {
                g.writeStringField("status", "error");
                g.writeStringField("errorType", e.type().wireName());
                g.writeStringField("error", e.getMessage());
            });
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "unexpected error serving a request", e);
            return json(500, g -> {
                g.writeStringField("status", "error");
                g.writeStringField("errorType", AdminError.Type.INTERNAL.wireName());
                g.writeStringField("error", String.valueOf(e.getMessage()));
            });
        }
    }

    /**
     * A form-encoded body within Go's {@code ParseForm} limit (read whole when its length is
     * unknown), as the web bundle's routes refuse it: {@code curl --data-binary} sends a jar as a
     * form, so this is the upload limit such clients meet first.
     */
    private static InputStream formLimited(HttpHeaders headers, InputStream body) throws IOException {
        if (body == null || headers == null || !ApiSupport.isForm(headers.getHeaderString(HttpHeaders.CONTENT_TYPE))) {
            return body;
        }
        long length = headers.getLength();
        if (length > ApiSupport.MAX_FORM_BYTES) {
            ApiSupport.drain(body, Math.min(length, ApiSupport.MAX_FORM_BYTES + ApiSupport.DRAIN_BOUND));
            throw new AdminError(AdminError.Type.BAD_DATA, ApiSupport.formTooLargeMessage());
        }
        if (length >= 0) {
            return body;
        }
        byte[] all = body.readNBytes((int) ApiSupport.MAX_FORM_BYTES + 1);
        if (all.length > ApiSupport.MAX_FORM_BYTES) {
            throw new AdminError(AdminError.Type.BAD_DATA, ApiSupport.formTooLargeMessage());
        }
        return new ByteArrayInputStream(all);
    }

    /** Writes the value of a success envelope's {@code data} field. */
    @FunctionalInterface
    private interface Data {
        void write(JsonGenerator g) throws IOException;
    }

    private static Response success(Data data) throws IOException {
        return json(200, g -> {
            g.writeStringField("status", "success");
            g.writeFieldName("data");
            data.write(g);
        });
    }

    private static Response json(int status, Data fields) {
        // A list of ~80 bundles is ~16 KB: one buffer, no growing copies.
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 << 10);
        try (JsonGenerator g = ApiSupport.generator(out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Response.status(status).type("application/json").entity(out.toByteArray()).build();
    }

    private void requireEnabled() {
        if (!access.enabled()) {
            throw new AdminError(AdminError.Type.UNAVAILABLE, "admin APIs disabled");
        }
    }

    /** Answers 403 (Prometheus's {@code forbidden}) saying why, unless the actions are allowed. */
    private void requireWrites() {
        String refusal = access.writesRefusal();
        if (!refusal.isEmpty()) {
            throw new AdminError(AdminError.Type.FORBIDDEN, refusal);
        }
    }

    private void requireChangeable(Bundle bundle, String action) {
        if (bundle.getBundleId() == 0 || kept.contains(bundle.getBundleId())) {
            throw new AdminError(AdminError.Type.BAD_DATA, "bundle " + bundle.getBundleId() + " cannot be " + action + " through this API");
        }
    }

    /** The {@code {id}} segment; one that is not a number answers as JAX-RS's parameter conversion did. */
    private static long id(String segment) {
        try {
            return Long.parseLong(segment);
        } catch (NumberFormatException e) {
            throw new AdminError(AdminError.Type.BAD_DATA, "HTTP 404 Not Found");
        }
    }

    private Response get(long id) throws IOException {
        requireEnabled();
        Bundle bundle = bundle(id);
        PluginFile file = fileOf(id);
        Map<String, List<LeakedThread>> leaked = leakedByPlugin();
        return success(g -> writeBundle(g, bundle, file, leaked));
    }

    private void writeList(JsonGenerator g) throws IOException {
        Map<Long, PluginFile> files = new HashMap<>();
        List<PluginFile> broken = new ArrayList<>();
        for (PluginFile file : plugins.files()) {
            if (file.bundleId() >= 0) {
                files.put(file.bundleId(), file);
            } else {
                broken.add(file);
            }
        }
        Bundle[] bundles = context.getBundles();
        PluginStates now = states.get();
        List<PluginStates.Waiting> waiting = now == null ? List.of() : now.waiting();
        Map<String, List<LeakedThread>> leaked = leakedByPlugin();
        Set<String> installed = new TreeSet<>();
        g.writeStartArray();
        for (Bundle bundle : bundles) {
            writeBundle(g, bundle, files.get(bundle.getBundleId()), leaked);
            installed.add(String.valueOf(bundle.getSymbolicName()));
        }
        for (Map.Entry<String, List<LeakedThread>> entry : leaked.entrySet()) {
            if (installed.contains(entry.getKey())) {
                continue;
            }
            // A bundle that is gone but whose threads still run: its code is still in the server.
            List<LeakedThread> left = entry.getValue();
            LeakedThread first = left.get(0);
            g.writeStartObject();
            g.writeNumberField("id", -1);
            g.writeStringField("symbolicName", entry.getKey());
            g.writeStringField("version", first.version());
            g.writeStringField("state", BundleStates.name(Bundle.UNINSTALLED));
            g.writeBooleanField("plugin", true);
            writeLeaked(g, left);
            g.writeStringField("lastError", leakedText(left));
            g.writeEndObject();
        }
        for (PluginStates.Waiting w : waiting) {
            // A config key no installed plugin owns: its parts wait (the plugin is absent, so no bundle row says it).
            g.writeStartObject();
            g.writeNumberField("id", -1);
            g.writeStringField("state", "WAITING");
            g.writeBooleanField("plugin", true);
            g.writeStringField("kind", w.kind());
            g.writeArrayFieldStart("configKeys");
            g.writeString(w.key());
            g.writeEndArray();
            g.writeNumberField("waitingParts", w.parts());
            g.writeStringField("lastError", w.parts() + " config part(s) waiting for a plugin that owns `" + w.key() + "`");
            g.writeEndObject();
        }
        for (PluginFile file : broken) {
            g.writeStartObject();
            g.writeNumberField("id", -1);
            g.writeStringField("file", file.fileName());
            g.writeStringField("state", "FAILED");
            g.writeBooleanField("plugin", true);
            g.writeStringField("lastError", file.error());
            writeSignature(g, file);
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private PluginFile store(String fileName, InputStream body) {
        try {
            return plugins.install(fileName, limited(body));
        } catch (IOException e) {
            throw refused("plugin " + fileName, e);
        }
    }

    /** A refused jar: 403 when its signature is the reason, else 400; the message says why. */
    private static AdminError refused(String what, IOException e) {
        if (e instanceof PluginRefusedException refusal) {
            return new AdminError(refusal.reason() == PluginRefusedException.Reason.UNTRUSTED ? AdminError.Type.FORBIDDEN : AdminError.Type.BAD_DATA,
                    what + " refused, nothing was changed: " + e.getMessage());
        }
        return new AdminError(AdminError.Type.BAD_DATA, e.getMessage());
    }

    private static InputStream limited(InputStream body) {
        return new SizeLimitedInputStream(body == null ? InputStream.nullInputStream() : body, MAX_UPLOAD_BYTES);
    }

    private Bundle bundle(long id) {
        Bundle bundle = context.getBundle(id);
        if (bundle == null) {
            throw new AdminError(AdminError.Type.NOT_FOUND, "no bundle with id " + id);
        }
        return bundle;
    }

    private PluginFile fileOf(long id) {
        for (PluginFile file : plugins.files()) {
            if (file.bundleId() == id) {
                return file;
            }
        }
        return null;
    }

    private void writeBundle(JsonGenerator g, Bundle bundle, PluginFile file, Map<String, List<LeakedThread>> leaked) throws IOException {
        g.writeStartObject();
        g.writeNumberField("id", bundle.getBundleId());
        g.writeStringField("symbolicName", String.valueOf(bundle.getSymbolicName()));
        g.writeStringField("version", bundle.getVersion().toString());
        g.writeStringField("state", BundleStates.name(bundle.getState()));
        g.writeBooleanField("plugin", file != null);
        if (file != null) {
            g.writeStringField("file", file.fileName());
        }
        TreeSet<String> services = new TreeSet<>();
        TreeSet<String> configKeys = new TreeSet<>();
        ServiceReference<?>[] registered = bundle.getState() == Bundle.ACTIVE ? bundle.getRegisteredServices() : null;
        if (registered != null) {
            for (ServiceReference<?> reference : registered) {
                for (String objectClass : (String[]) reference.getProperty(Constants.OBJECTCLASS)) {
                    services.add(objectClass);
                }
                configKeys.addAll(ownedKeys(reference));
            }
        }
        g.writeArrayFieldStart("services");
        for (String service : services) {
            g.writeString(service);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("configKeys");
        for (String key : configKeys) {
            g.writeString(key);
        }
        g.writeEndArray();
        String error = file != null ? file.error() : "";
        if (error.isEmpty() && bundle.getState() != Bundle.ACTIVE && bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
            error = "bundle is " + BundleStates.name(bundle.getState());
        }
        PluginStates now = states.get();
        List<PluginFailure> failures = now == null || configKeys.isEmpty() ? List.of()
                : now.failures().stream().filter(f -> configKeys.contains(f.key())).toList();
        g.writeArrayFieldStart("failures");
        for (PluginFailure failure : failures) {
            g.writeStartObject();
            g.writeStringField("key", failure.key());
            g.writeStringField("kind", failure.kind());
            g.writeNumberField("count", failure.count());
            g.writeStringField("lastError", failure.message());
            g.writeStringField("at", failure.at().toString());
            g.writeEndObject();
        }
        g.writeEndArray();
        if (error.isEmpty() && !failures.isEmpty()) {
            PluginFailure newest = failures.stream().max(java.util.Comparator.comparing(PluginFailure::at)).orElseThrow();
            error = newest.message();
        }
        List<LeakedThread> left = leaked.getOrDefault(String.valueOf(bundle.getSymbolicName()), List.of());
        writeLeaked(g, left);
        if (error.isEmpty() && !left.isEmpty()) {
            error = leakedText(left);
        }
        g.writeStringField("lastError", error);
        if (file != null) {
            writeSignature(g, file);
        }
        g.writeEndObject();
    }

    /** The leaked threads by plugin (symbolic name). */
    private Map<String, List<LeakedThread>> leakedByPlugin() {
        Map<String, List<LeakedThread>> byPlugin = new java.util.TreeMap<>();
        for (LeakedThread thread : threads.leaked()) {
            byPlugin.computeIfAbsent(thread.plugin(), p -> new ArrayList<>()).add(thread);
        }
        return byPlugin;
    }

    private static void writeLeaked(JsonGenerator g, List<LeakedThread> left) throws IOException {
        g.writeNumberField("leakedThreadCount", left.size());
        g.writeArrayFieldStart("leakedThreads");
        for (LeakedThread thread : left) {
            g.writeStartObject();
            g.writeStringField("name", thread.name());
            g.writeStringField("version", thread.version());
            g.writeNumberField("bundleId", thread.bundleId());
            g.writeStringField("topFrame", thread.topFrame());
            g.writeStringField("stoppedAt", thread.stoppedAt().toString());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static String leakedText(List<LeakedThread> left) {
        return left.size() + " thread(s) left running after it stopped, ignoring interrupts: "
                + String.join(", ", left.stream().map(t -> t.name() + " (" + t.version() + ")").toList());
    }

    private static void writeSignature(JsonGenerator g, PluginFile file) throws IOException {
        g.writeStringField("signature", file.signature());
        g.writeStringField("signer", file.signer());
    }

    /** The config keys a plugin service owns: {@code <type>_sd_configs}, {@code <type>_configs}. */
    private List<String> ownedKeys(ServiceReference<?> reference) {
        String[] classes = (String[]) reference.getProperty(Constants.OBJECTCLASS);
        List<String> keys = new ArrayList<>();
        for (String objectClass : classes) {
            boolean discovery = objectClass.equals(DiscovererFactory.class.getName());
            boolean notifier = objectClass.equals(NotifierFactory.class.getName());
            boolean section = objectClass.equals(io.promethium.api.config.ConfigSection.class.getName());
            if (!discovery && !notifier && !section) {
                continue;
            }
            Object service = context.getService(reference);
            try {
                if (service instanceof DiscovererFactory factory) {
                    keys.add(factory.type() + "_sd_configs");
                } else if (service instanceof NotifierFactory factory) {
                    keys.add(factory.type() + "_configs");
                } else if (service instanceof io.promethium.api.config.ConfigSection owner) {
                    keys.add(owner.key());
                }
            } catch (RuntimeException e) {
                keys.add("<error: " + e.getMessage() + ">");
            } finally {
                context.ungetService(reference);
            }
        }
        return keys;
    }
}

package io.promethium.web.internal.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.config.lifecycle.PluginFailure;
import io.promethium.config.lifecycle.PluginStates;
import io.promethium.launcher.spi.PluginDirectory;
import io.promethium.launcher.spi.BundleStates;
import io.promethium.launcher.spi.PluginFile;
import io.promethium.launcher.spi.PluginRefusedException;
import io.promethium.web.internal.api.ApiError;
import io.promethium.web.internal.routes.Endpoints;
import io.promethium.web.internal.routes.Router;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/**
 * The plugin admin API: list every bundle with its state, services, owned config keys, last
 * error and (plugins) signature; install (upload), start, stop, update and uninstall. Listing
 * answers {@code unavailable} unless the server runs with {@code --web.enable-admin-api}; the
 * actions answer {@code forbidden} (403) saying why unless {@link AdminWrites} allows them. A
 * refused upload answers 400 (403 for its signature) with the reason and leaves nothing behind.
 */
public final class PluginAdminResource implements Endpoints {

    /** Uploads above this size are refused before they are written. */
    static final long MAX_UPLOAD_BYTES = 64L << 20;

    private final BundleContext context;
    private final PluginDirectory plugins;
    private final boolean enabled;
    private final AdminWrites writes;
    private final java.util.function.Supplier<PluginStates> states;

    public PluginAdminResource(BundleContext context, PluginDirectory plugins, boolean enabled, AdminWrites writes) {
        this(context, plugins, enabled, writes, () -> null);
    }

    /**
     * @param states the plugin trackers' waiting config parts and last failures (null while the
     *               config bundle is not there): waiting keys are listed as rows of their own,
     *               a plugin's failures under its bundle
     */
    public PluginAdminResource(BundleContext context, PluginDirectory plugins, boolean enabled, AdminWrites writes,
                               java.util.function.Supplier<PluginStates> states) {
        this.states = Objects.requireNonNull(states, "states is null");
        this.context = Objects.requireNonNull(context, "context is null");
        this.plugins = Objects.requireNonNull(plugins, "plugins is null");
        this.enabled = enabled;
        this.writes = Objects.requireNonNull(writes, "writes is null");
    }

    private void requireEnabled() {
        if (!enabled) {
            throw new ApiError(ApiError.Type.UNAVAILABLE, "admin APIs disabled");
        }
    }

    @Override
    public List<Router> routers(long formLimit, boolean agent) {
        String base = "/api/v1/admin/plugins";
        return List.of(Router.under(base).formLimit(formLimit).agent(agent)
                .get(base, this::list)
                .post(base, this::install)
                .get(base + "/{id}", call -> get(call, id(call)))
                .put(base + "/{id}", this::update)
                .delete(base + "/{id}", this::uninstall)
                .post(base + "/{id}/start", this::start)
                .post(base + "/{id}/stop", this::stop)
                .build());
    }

    /** The {@code {id}} segment; one that is not a number answers as JAX-RS's parameter conversion did. */
    private static long id(Router.Call call) {
        try {
            return Long.parseLong(call.segment("id"));
        } catch (NumberFormatException e) {
            throw new ApiError(ApiError.Type.BAD_DATA, "HTTP 404 Not Found");
        }
    }

    private void list(Router.Call call) throws IOException {
        requireEnabled();
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
        call.success(g -> {
            g.writeStartArray();
            for (Bundle bundle : bundles) {
                writeBundle(g, bundle, files.get(bundle.getBundleId()));
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
        });
    }

    private void get(Router.Call call, long id) throws IOException {
        requireEnabled();
        Bundle bundle = bundle(id);
        PluginFile file = fileOf(id);
        call.success(g -> writeBundle(g, bundle, file));
    }

    /** Upload: the request body is the jar; {@code file} names it in the plugin folder. */
    private void install(Router.Call call) throws IOException {
        List<String> names = call.query().all("file");
        String fileName = names.isEmpty() ? null : names.get(0);
        InputStream body = call.body();
        writes.require();
        if (fileName == null || fileName.isEmpty()) {
            throw new ApiError(ApiError.Type.BAD_DATA, "missing query parameter \"file\" (the jar's file name, e.g. my-plugin.jar)");
        }
        PluginFile file = store(fileName, body);
        get(call, file.bundleId());
    }

    private void start(Router.Call call) throws IOException {
        long id = id(call);
        writes.require();
        Bundle bundle = bundle(id);
        try {
            bundle.start();
        } catch (BundleException | IllegalStateException e) {
            throw new ApiError(ApiError.Type.EXECUTION, "cannot start bundle " + id + ": " + e.getMessage());
        }
        get(call, id);
    }

    private void stop(Router.Call call) throws IOException {
        long id = id(call);
        writes.require();
        Bundle bundle = bundle(id);
        if (bundle.getBundleId() == 0 || bundle.getBundleId() == context.getBundle().getBundleId()) {
            throw new ApiError(ApiError.Type.BAD_DATA, "bundle " + id + " cannot be stopped through this API");
        }
        try {
            bundle.stop();
        } catch (BundleException | IllegalStateException e) {
            throw new ApiError(ApiError.Type.EXECUTION, "cannot stop bundle " + id + ": " + e.getMessage());
        }
        get(call, id);
    }

    /**
     * Update: the body is the new jar. A plugin's file or a core bundle is replaced atomically (the
     * running version runs on when the new one fails); the answer is the new bundle.
     */
    private void update(Router.Call call) throws IOException {
        long id = id(call);
        InputStream body = call.body();
        writes.require();
        Bundle bundle = bundle(id);
        if (bundle.getBundleId() == 0 || bundle.getBundleId() == context.getBundle().getBundleId()) {
            throw new ApiError(ApiError.Type.BAD_DATA, "bundle " + id + " cannot be updated through this API");
        }
        PluginFile file = fileOf(id);
        if (file != null) {
            PluginFile updated = store(file.fileName(), body);
            get(call, updated.bundleId());
            return;
        }
        Path staged = Files.createTempFile("promethium-bundle-update-", ".jar");
        try {
            Files.copy(limited(body), staged, StandardCopyOption.REPLACE_EXISTING);
            id = plugins.replaceBundle(id, staged);
        } catch (IOException e) {
            throw refused("bundle " + id, e);
        } finally {
            Files.deleteIfExists(staged);
        }
        get(call, id);
    }

    private void uninstall(Router.Call call) throws IOException {
        long id = id(call);
        writes.require();
        Bundle bundle = bundle(id);
        if (bundle.getBundleId() == 0 || bundle.getBundleId() == context.getBundle().getBundleId()) {
            throw new ApiError(ApiError.Type.BAD_DATA, "bundle " + id + " cannot be uninstalled through this API");
        }
        PluginFile file = fileOf(id);
        try {
            if (file != null) {
                plugins.remove(file.fileName());
            } else {
                bundle.uninstall();
            }
        } catch (IOException | BundleException e) {
            throw new ApiError(ApiError.Type.EXECUTION, "cannot uninstall bundle " + id + ": " + e.getMessage());
        }
        call.success(g -> g.writeNull());
    }

    private PluginFile store(String fileName, InputStream body) {
        try {
            return plugins.install(fileName, limited(body));
        } catch (IOException e) {
            throw refused("plugin " + fileName, e);
        }
    }

    /** A refused jar: 403 when its signature is the reason, else 400; the message says why. */
    private static ApiError refused(String what, IOException e) {
        if (e instanceof PluginRefusedException refusal) {
            return new ApiError(refusal.reason() == PluginRefusedException.Reason.UNTRUSTED ? ApiError.Type.FORBIDDEN : ApiError.Type.BAD_DATA,
                    what + " refused, nothing was changed: " + e.getMessage());
        }
        return new ApiError(ApiError.Type.BAD_DATA, e.getMessage());
    }

    private static InputStream limited(InputStream body) {
        return new SizeLimitedInputStream(body, MAX_UPLOAD_BYTES);
    }

    private Bundle bundle(long id) {
        Bundle bundle = context.getBundle(id);
        if (bundle == null) {
            throw new ApiError(ApiError.Type.NOT_FOUND, "no bundle with id " + id);
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

    private void writeBundle(JsonGenerator g, Bundle bundle, PluginFile file) throws IOException {
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
        g.writeStringField("lastError", error);
        if (file != null) {
            writeSignature(g, file);
        }
        g.writeEndObject();
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

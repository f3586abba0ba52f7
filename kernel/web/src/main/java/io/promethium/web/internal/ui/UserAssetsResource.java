package io.promethium.web.internal.ui;

import io.promethium.web.internal.routes.Endpoints;
import io.promethium.web.internal.routes.Router;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.util.List;
import java.util.Objects;

/**
 * {@code --web.user-assets}: the files of a folder under {@code /user/}, as Prometheus serves
 * them. Only regular files inside the folder are answered; no path leaves it.
 */
public final class UserAssetsResource implements Endpoints {

    private final java.nio.file.Path folder;

    public UserAssetsResource(java.nio.file.Path folder) {
        this.folder = Objects.requireNonNull(folder, "folder is null").toAbsolutePath().normalize();
    }

    @Override
    public List<Router> routers(long formLimit, boolean agent) {
        return List.of(Router.under("/user").formLimit(formLimit).agent(agent).get("/user/{file: .+}", this::file).build());
    }

    private void file(Router.Call call) throws IOException {
        String name = call.segment("file");
        java.nio.file.Path file;
        try {
            file = folder.resolve(name).normalize();
        } catch (InvalidPathException e) {
            notFound(call, name);
            return;
        }
        if (!file.startsWith(folder) || !Files.isRegularFile(file) || !file.toRealPath().startsWith(folder.toRealPath())) {
            notFound(call, name);
            return;
        }
        String type = Files.probeContentType(file);
        if (type == null) {
            type = UiAssets.contentType(file.getFileName().toString());
        }
        byte[] bytes = Files.readAllBytes(file);
        call.contentType(Router.jaxrsType(type));
        call.exchange().responseHeader("X-Content-Type-Options", "nosniff");
        call.respond(200, Router.jaxrsType(type), bytes);
    }

    private static void notFound(Router.Call call, String name) throws IOException {
        call.respond(404, Router.TEXT_UTF8, "no such file: user/" + name + "\n");
    }
}

package io.promethium.web.internal.ui;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.util.Objects;

/**
 * {@code --web.user-assets}: the files of a folder under {@code /user/}, as Prometheus serves
 * them. Only regular files inside the folder are answered; no path leaves it.
 */
@Path("/user")
public final class UserAssetsResource {

    private final java.nio.file.Path folder;

    public UserAssetsResource(java.nio.file.Path folder) {
        this.folder = Objects.requireNonNull(folder, "folder is null").toAbsolutePath().normalize();
    }

    @GET
    @Path("{file: .+}")
    public Response file(@PathParam("file") String name) throws IOException {
        java.nio.file.Path file;
        try {
            file = folder.resolve(name).normalize();
        } catch (InvalidPathException e) {
            return notFound(name);
        }
        if (!file.startsWith(folder) || !Files.isRegularFile(file) || !file.toRealPath().startsWith(folder.toRealPath())) {
            return notFound(name);
        }
        String type = Files.probeContentType(file);
        if (type == null) {
            type = UiAssets.contentType(file.getFileName().toString());
        }
        return Response.ok(Files.readAllBytes(file), type).header("X-Content-Type-Options", "nosniff").build();
    }

    private static Response notFound(String name) {
        return Response.status(404).type("text/plain; charset=utf-8").entity("no such file: user/" + name + "\n").build();
    }
}

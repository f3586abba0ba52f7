package io.promethium.web.tool;

import io.promethium.api.tool.CommandLine;
import io.promethium.api.tool.Tool;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * {@code promethium check healthy} and {@code check ready}: asks a server's {@code /-/healthy} or
 * {@code /-/ready} as {@code promtool check healthy|ready} does. A 200 answer prints
 * {@code "  SUCCESS:  <body>"} on standard error and exits 0; any other status, or no answer within
 * 10 seconds, prints the reason and exits 1.
 */
abstract class CheckServerStatusCommand implements Tool {

    private final String command;
    private final String endpoint;
    private final CommandLine.Reader reader;

    CheckServerStatusCommand(String command, String endpoint) {
        this.command = command;
        this.endpoint = endpoint;
        this.reader = CommandLine.reader()
                .valued("url")
                .refused("http.config.file", "--http.config.file is not supported by promethium check " + command
                        + " yet; put basic auth credentials in --url (http://user:password@host:port)");
    }

    @Override
    public String name() {
        return "check " + command;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws InterruptedException {
        CommandLine flags;
        try {
            flags = reader.read(args);
            flags.arguments();
        } catch (CommandLine.UsageException e) {
            err.println("promethium " + name() + ": error: " + e.getMessage() + ", try --help");
            return 1;
        }
        String server = flags.value("url", "http://localhost:9090");
        if (!server.contains("://")) {
            server = "http://" + server;
        }
        URI uri;
        try {
            uri = URI.create(server + endpoint);
        } catch (IllegalArgumentException e) {
            err.println("promethium " + name() + ": error: invalid URL " + server + ": " + e.getMessage());
            return 1;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        QueryClient.basicAuth(uri).ifPresent(auth -> request.header("Authorization", auth));
        HttpResponse<String> response;
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            err.println("Get \"" + QueryClient.redacted(uri) + "\": " + QueryClient.describe(e));
            return 1;
        }
        if (response.statusCode() != 200) {
            err.println("check failed: URL=" + QueryClient.redacted(URI.create(server)) + ", status=" + response.statusCode());
            return 1;
        }
        err.println("  SUCCESS:  " + response.body());
        return 0;
    }

    /** {@code check healthy}. */
    @org.osgi.service.component.annotations.Component(service = Tool.class)
    public static final class Healthy extends CheckServerStatusCommand {
        public Healthy() {
            super("healthy", "/-/healthy");
        }

        @Override
        public String help() {
            return "[--url=URL]  Check if the server is healthy (as promtool check healthy).";
        }
    }

    /** {@code check ready}. */
    @org.osgi.service.component.annotations.Component(service = Tool.class)
    public static final class Ready extends CheckServerStatusCommand {
        public Ready() {
            super("ready", "/-/ready");
        }

        @Override
        public String help() {
            return "[--url=URL]  Check if the server is ready (as promtool check ready).";
        }
    }
}

package io.promethium.web.tool;

import io.promethium.api.tool.CommandLine;
import io.promethium.api.tool.Tool;
import io.promethium.goformat.GoNetErrors;
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
 * 10 seconds, prints the reason and exits 1, worded as promtool 3's {@code CheckServerStatus}:
 * {@code check failed: URL=<the --url given>, status=503}, or Go's {@code *url.Error}
 * ({@code Get "http://127.0.0.1:1/-/healthy": dial tcp 127.0.0.1:1: connect: connection refused},
 * {@code ...: context deadline exceeded}).
 */
abstract class CheckServerStatusCommand implements Tool {

    private final String command;
    private final String endpoint;
    private final CommandLine.Reader reader;

    /** promtool's context for the check. */
    private final Duration timeout;

    CheckServerStatusCommand(String command, String endpoint, Duration timeout) {
        this.command = command;
        this.endpoint = endpoint;
        this.timeout = timeout;
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
            // url.JoinPath: a trailing slash of --url does not double the endpoint's.
            uri = URI.create(server.replaceAll("/+$", "") + endpoint);
        } catch (IllegalArgumentException e) {
            err.println("promethium " + name() + ": error: invalid URL " + server + ": " + e.getMessage());
            return 1;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).GET();
        QueryClient.basicAuth(uri).ifPresent(auth -> request.header("Authorization", auth));
        HttpResponse<String> response;
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build()) {
            // The JDK's client tells only that an address did not resolve (and its negative cache
            // forgets why): looking the host up first keeps the resolver's reason for GoNetErrors.
            java.net.InetAddress.getByName(uri.getHost());
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            err.println(GoNetErrors.urlError("Get", uri, e));
            return 1;
        }
        if (response.statusCode() != 200) {
            // promtool prints its *url.URL with %s: the URL as given, password included.
            err.println("check failed: URL=" + server + ", status=" + response.statusCode());
            return 1;
        }
        err.println("  SUCCESS:  " + response.body());
        return 0;
    }

    /** {@code check healthy}. */
    @org.osgi.service.component.annotations.Component(service = Tool.class)
    public static final class Healthy extends CheckServerStatusCommand {
        public Healthy() {
            this(Duration.ofSeconds(10));
        }

        Healthy(Duration timeout) {
            super("healthy", "/-/healthy", timeout);
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
            this(Duration.ofSeconds(10));
        }

        Ready(Duration timeout) {
            super("ready", "/-/ready", timeout);
        }

        @Override
        public String help() {
            return "[--url=URL]  Check if the server is ready (as promtool check ready).";
        }
    }
}

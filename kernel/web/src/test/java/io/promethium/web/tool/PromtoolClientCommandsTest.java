package io.promethium.web.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.promethium.api.tool.Tool;
import io.promethium.testsupport.Peers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * promtool's client commands against a loopback stand-in of the HTTP API: it answers each path
 * with a body shaped as Prometheus documents its API answers ({@code /api/v1/query} and friends,
 * {@code /-/healthy}), and records the requests. Where the installed promtool (2.42) has the
 * command, it runs against the same stand-in and its output is compared with ours.
 */
class PromtoolClientCommandsTest {

    static final String VECTOR = """
            {"status":"success","data":{"resultType":"vector","result":[
              {"metric":{"__name__":"up","job":"prometheus","instance":"localhost:9090"},"value":[1700000000.123,"1"]},
              {"metric":{"job":"node","quote":"a\\"b\\\\c"},"value":[1700000000.123,"0.5"]},
              {"metric":{},"value":[1700000000,"+Inf"]}]}}""";
    static final String MATRIX = """
            {"status":"success","data":{"resultType":"matrix","result":[
              {"metric":{"__name__":"up","job":"z"},"values":[[1700000000,"1"],[1700000015,"1e+06"]]},
              {"metric":{"__name__":"up","job":"a"},"values":[[1700000000.5,"NaN"]]}]}}""";
    static final String SCALAR = """
            {"status":"success","data":{"resultType":"scalar","result":[1700000000.001,"42"]}}""";
    static final String SERIES = """
            {"status":"success","data":[{"__name__":"up","job":"prometheus","instance":"localhost:9090"},{"__name__":"go_info","version":"go1.21"}]}""";
    static final String LABEL_VALUES = """
            {"status":"success","data":["node","prometheus"]}""";
    static final String BAD_DATA = """
            {"status":"error","errorType":"bad_data","error":"invalid parameter \\"query\\": 1:4: parse error: unexpected end of input"}""";

    HttpServer server;
    String url;
    final Map<String, String[]> answers = new ConcurrentHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String query = exchange.getRequestURI().getRawQuery();
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                    + URLDecoder.decode(body.isEmpty() && query != null ? query : body, StandardCharsets.UTF_8));
            String[] answer = answers.getOrDefault(exchange.getRequestURI().getPath(), new String[] {"404", "not found"});
            byte[] bytes = answer[1].getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", answer[1].startsWith("{") ? "application/json" : "text/plain");
            exchange.sendResponseHeaders(Integer.parseInt(answer[0]), bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    record Result(int code, String out, String err) {
    }

    static Result run(Tool tool, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = tool.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Result promtool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Peers.require("promtool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out, err);
    }

    @Test
    void instantQueryPrintsGoModelFormatting() throws Exception {
        answers.put("/api/v1/query", new String[] {"200", VECTOR});
        Result r = run(new QueryCommand.Instant(), url, "up", "--time=1700000000.123");
        assertEquals(new Result(0, """
                up{instance="localhost:9090", job="prometheus"} => 1 @[1700000000.123]
                {job="node", quote="a\\"b\\\\c"} => 0.5 @[1700000000.123]
                {} => +Inf @[1700000000]
                """, ""), r);
        assertEquals("POST /api/v1/query query=up&time=1700000000.123", requests.get(0));
    }

    @Test
    void rangeQuerySortsSeriesAndDefaultsTheStep() throws Exception {
        answers.put("/api/v1/query_range", new String[] {"200", MATRIX});
        Result r = run(new QueryCommand.Range(), url, "up", "--start=1700000000", "--end", "2023-11-14T22:38:20Z");
        assertEquals(new Result(0, """
                up{job="a"} =>
                NaN @[1700000000.5]
                up{job="z"} =>
                1 @[1700000000]
                1000000 @[1700000015]
                """, ""), r);
        assertEquals("POST /api/v1/query_range query=up&start=1700000000&end=1700001500&step=6", requests.get(0));
    }

    @Test
    void scalarAndJsonOutput() throws Exception {
        answers.put("/api/v1/query", new String[] {"200", SCALAR});
        assertEquals(new Result(0, "scalar: 42 @[1700000000.001]\n", ""), run(new QueryCommand.Instant(), url, "42"));
        assertEquals(new Result(0, "[1700000000.001,\"42\"]\n", ""), run(new QueryCommand.Instant(), "-o", "json", url, "42"));
    }

    @Test
    void labelValuesAreAskedByGetWithPromtoolsDefaultTimes() throws Exception {
        answers.put("/api/v1/label/job/values", new String[] {"200", LABEL_VALUES});
        run(new QueryCommand.Labels(), url, "job");
        String request = requests.get(0);
        assertTrue(request.startsWith("GET /api/v1/label/job/values end="), request);
        String[] times = request.substring("GET /api/v1/label/job/values ".length()).replaceAll("[a-z]+=", "").split("&");
        double now = System.currentTimeMillis() / 1000.0;
        assertEquals(now + 9999 * 3600, Double.parseDouble(times[0]), 60, "end: now + 9999 h");
        assertEquals(now - 9999 * 3600, Double.parseDouble(times[1]), 60, "start: now - 9999 h");
    }

    @Test
    void seriesAndLabelsPrintOneLinePerItem() throws Exception {
        answers.put("/api/v1/series", new String[] {"200", SERIES});
        answers.put("/api/v1/label/job/values", new String[] {"200", LABEL_VALUES});
        assertEquals(new Result(0, """
                {__name__="up", instance="localhost:9090", job="prometheus"}
                {__name__="go_info", version="go1.21"}
                """, ""), run(new QueryCommand.Series(), url, "--match=up", "--match", "go_info"));
        assertEquals("POST /api/v1/series match[]=up&match[]=go_info", requests.get(0));
        assertEquals(new Result(0, "node\nprometheus\n", ""), run(new QueryCommand.Labels(), url, "job"));
    }

    @Test
    void anApiErrorIsPrintedWithItsTypeAndExitsOne() throws Exception {
        answers.put("/api/v1/query", new String[] {"400", BAD_DATA});
        assertEquals(new Result(1, "", "query error: bad_data: invalid parameter \"query\": 1:4: parse error: unexpected end of input\n"),
                run(new QueryCommand.Instant(), url, "up{"));
    }

    @Test
    void badUsageExitsOneAsPromtool() throws Exception {
        assertEquals(1, run(new QueryCommand.Instant(), url).code());
        assertEquals(1, run(new QueryCommand.Instant(), "--format=yaml", url, "up").code());
        assertEquals(1, run(new QueryCommand.Instant(), "--http.config.file=x.yml", url, "up").code());
        assertEquals(1, run(new QueryCommand.Series(), url).code());
        // Each command's messages name it, and its positional arguments and flags are its own.
        assertEquals(new Result(1, "", "promethium query labels: error: required argument 'name' not provided, try --help\n"),
                run(new QueryCommand.Labels(), url));
        assertEquals(new Result(1, "", "promethium query series: error: unexpected up, try --help\n"),
                run(new QueryCommand.Series(), "--match=up", url, "up"));
        assertEquals(new Result(1, "", "promethium query instant: error: unknown long flag '--step', try --help\n"),
                run(new QueryCommand.Instant(), "--step=1s", url, "up"));
        assertEquals(new Result(1, "", "promethium query series: error: required flag --match not provided\n"),
                run(new QueryCommand.Series(), url));
        assertEquals(new Result(1, "", "error parsing start time: cannot parse \"x\" to a valid timestamp\n"),
                run(new QueryCommand.Range(), "--start=x", url, "up"));
    }

    @Test
    void healthyAndReadyReportTheServersAnswer() throws Exception {
        answers.put("/-/healthy", new String[] {"200", "Prometheus Server is Healthy.\n"});
        answers.put("/-/ready", new String[] {"503", "Service Unavailable"});
        assertEquals(new Result(0, "", "  SUCCESS:  Prometheus Server is Healthy.\n\n"),
                run(new CheckServerStatusCommand.Healthy(), "--url=" + url));
        assertEquals(new Result(1, "", "check failed: URL=" + url + ", status=503\n"),
                run(new CheckServerStatusCommand.Ready(), "--url", url));
        server.stop(0);
        Result down = run(new CheckServerStatusCommand.Healthy(), "--url=" + url);
        assertEquals(1, down.code());
        assertEquals("Get \"" + url + "/-/healthy\": dial tcp " + url.substring("http://".length())
                + ": connect: connection refused\n", down.err());
    }

    /** A closed port and an unknown host, worded as Go's net/http words them (promtool 2.42 and 3 alike). */
    @Test
    void connectionErrorsAreWordedAsGosClientAndExitOne() throws Exception {
        server.stop(0);
        String address = url.substring("http://".length());
        String refused = ": dial tcp " + address + ": connect: connection refused\n";
        assertEquals(new Result(1, "", "query error: Post \"" + url + "/api/v1/query\"" + refused),
                run(new QueryCommand.Instant(), url, "up"));
        assertEquals(new Result(1, "", "query error: Post \"" + url + "/api/v1/query_range\"" + refused),
                run(new QueryCommand.Range(), url, "up"));
        assertEquals(new Result(1, "", "query error: Post \"" + url + "/api/v1/series\"" + refused),
                run(new QueryCommand.Series(), url, "--match=up"));
        assertEquals(new Result(1, "", "query error: Get \"" + url + "/api/v1/label/job/values?end=1700000600&match%5B%5D=up%7Bx%3D%22a+b%22%7D&start=1700000000\""
                + refused), run(new QueryCommand.Labels(), url, "job", "--start=1700000000", "--end=1700000600", "--match=up{x=\"a b\"}"));
        Result labels = run(new QueryCommand.Labels(), url, "job");
        assertTrue(labels.err().matches("query error: Get \"" + java.util.regex.Pattern.quote(url)
                + "/api/v1/label/job/values\\?end=\\d+(\\.\\d+)?&start=\\d+(\\.\\d+)?\": dial tcp .*\n"), labels.err());
        assertEquals(new Result(1, "", "Get \"" + url + "/-/ready\"" + refused), run(new CheckServerStatusCommand.Ready(), "--url=" + url + "/"));
        String secret = "http://u:p@" + address;
        assertEquals(new Result(1, "", "query error: Post \"http://u:***@" + address + "/api/v1/query\"" + refused),
                run(new QueryCommand.Instant(), secret, "up"));
        String unknown = "query error: Post \"http://nosuchhost.invalid:9090/api/v1/query\": dial tcp: lookup nosuchhost.invalid on "
                + nameserver() + ": no such host\n";
        assertEquals(new Result(1, "", unknown), run(new QueryCommand.Instant(), "http://nosuchhost.invalid:9090", "up"));
    }

    /** The first nameserver of /etc/resolv.conf, as Go's resolver names it in a lookup error. */
    private static String nameserver() throws IOException {
        Path conf = Path.of("/etc/resolv.conf");
        if (Files.exists(conf)) {
            for (String line : Files.readAllLines(conf)) {
                String[] f = line.strip().split("\\s+");
                if (f.length >= 2 && f[0].equals("nameserver")) {
                    return f[1].contains(":") ? "[" + f[1] + "]:53" : f[1] + ":53";
                }
            }
        }
        return "127.0.0.1:53";
    }

    /**
     * HTTP error statuses as Prometheus 3's promtool reads them (client_golang's apiClientImpl.Do
     * and promtool's handleAPIError): any status but 2xx, 400 and 422 is an HTTP error with the
     * body as detail, whatever the body; 400 and 422 carry the API error; a refused POST is asked
     * again by GET.
     */
    @Test
    void httpErrorStatusesAreWordedAsPromtool3() throws Exception {
        String[][] cases = {
            {"500", "oops\nsecond line\n", "query error: server_error: server error: 500 (detail: oops\nsecond line)"},
            {"503", BAD_DATA, "query error: server_error: server error: 503 (detail: " + BAD_DATA + ")"},
            {"404", "404 page not found\n", "query error: client_error: client error: 404 (detail: 404 page not found)"},
            {"401", "", "query error: client_error: client error: 401"},
            {"400", "oops", "query error: client_error: client error: 400 (detail: oops)"},
            {"422", BAD_DATA, "query error: bad_data: invalid parameter \"query\": 1:4: parse error: unexpected end of input"},
            {"400", "{\"status\":\"success\",\"data\":[]}", "query error: bad_response: inconsistent body for response code"},
            {"400", "{\"status\":\"error\"}", "query error: client_error: client error: 400"},
            {"200", "<html>proxy login</html>", "query error: bad_response: invalid character '<' looking for beginning of value"},
            {"200", " ", "query error: bad_response: unexpected end of JSON input"},
            {"200", "{\"status\":\"succ", "query error: bad_response: unexpected end of JSON input"},
            {"200", BAD_DATA, "query error: bad_data: invalid parameter \"query\": 1:4: parse error: unexpected end of input"},
        };
        for (String[] c : cases) {
            answers.put("/api/v1/query", new String[] {c[0], c[1]});
            assertEquals(new Result(1, "", c[2] + "\n"), run(new QueryCommand.Instant(), url, "up"), c[0] + " " + c[1]);
        }
        answers.put("/api/v1/query", new String[] {"405", "Method Not Allowed"});
        requests.clear();
        assertEquals(new Result(1, "", "query error: client_error: client error: 405 (detail: Method Not Allowed)\n"),
                run(new QueryCommand.Instant(), url, "up", "--time=1700000000"));
        assertEquals(List.of("POST /api/v1/query query=up&time=1700000000", "GET /api/v1/query query=up&time=1700000000"), requests);
        answers.put("/-/healthy", new String[] {"500", "down"});
        assertEquals(new Result(1, "", "check failed: URL=" + url + "/, status=500\n"),
                run(new CheckServerStatusCommand.Healthy(), "--url=" + url + "/"));
        assertEquals("GET /-/healthy ", requests.get(requests.size() - 1));
    }

    /** promtool's check gives up after 10 s with Go's context error; here after 300 ms. */
    @Test
    void aServerThatNeverAnswersIsAContextDeadline() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String silentUrl = "http://127.0.0.1:" + silent.getLocalPort();
            assertEquals(new Result(1, "", "Get \"" + silentUrl + "/-/healthy\": context deadline exceeded\n"),
                    run(new CheckServerStatusCommand.Healthy(java.time.Duration.ofMillis(300)), "--url=" + silentUrl));
        }
    }

    @Test
    void webConfigVerdictsPerFile(@TempDir Path dir) throws Exception {
        Path good = Files.writeString(dir.resolve("good.yml"), "basic_auth_users:\n  alice: $2y$10$mDwo.lAisC94iLAyP81MCesa29IzH37oigHC/42V2pdJlUprsJPze\n");
        Path bad = Files.writeString(dir.resolve("bad.yml"), "tls_server_config:\n  cert_file: missing.crt\n  key_file: missing.key\n");
        Path unknown = Files.writeString(dir.resolve("unknown.yml"), "no_such_field: 1\n");
        Result r = run(new CheckWebConfigCommand(), good.toString(), bad.toString(), unknown.toString());
        assertEquals(1, r.code());
        String[] lines = r.err().split("\n");
        assertEquals(good + " SUCCESS", lines[0]);
        assertTrue(lines[1].startsWith(bad + " FAILED: "), lines[1]);
        assertTrue(lines[2].startsWith(unknown + " FAILED: "), lines[2]);
        assertEquals(new Result(0, "", good + " SUCCESS\n"), run(new CheckWebConfigCommand(), good.toString()));
    }

    /** The installed promtool on the same stand-in and files: the same output and exit codes. */
    @Test
    void outputMatchesTheInstalledPromtool(@TempDir Path dir) throws Exception {
        Peers.require("promtool");
        answers.put("/api/v1/query", new String[] {"200", VECTOR});
        answers.put("/api/v1/query_range", new String[] {"200", MATRIX});
        answers.put("/api/v1/series", new String[] {"200", SERIES});
        answers.put("/api/v1/label/job/values", new String[] {"200", LABEL_VALUES});
        assertEquals(promtool("query", "instant", url, "up", "--time=1700000000.123"),
                run(new QueryCommand.Instant(), url, "up", "--time=1700000000.123"));
        assertEquals(promtool("query", "range", url, "up", "--start=1700000000", "--end=1700001500"),
                run(new QueryCommand.Range(), url, "up", "--start=1700000000", "--end=1700001500"));
        assertEquals(promtool("query", "series", url, "--match=up"), run(new QueryCommand.Series(), url, "--match=up"));
        assertEquals(promtool("query", "labels", url, "job"), run(new QueryCommand.Labels(), url, "job"));
        answers.put("/api/v1/query", new String[] {"200", SCALAR});
        assertEquals(promtool("query", "instant", url, "42", "--time=1700000000.001"),
                run(new QueryCommand.Instant(), url, "42", "--time=1700000000.001"));
        answers.put("/api/v1/query", new String[] {"400", BAD_DATA});
        assertEquals(promtool("query", "instant", url, "up{"), run(new QueryCommand.Instant(), url, "up{"));
        Path good = Files.writeString(dir.resolve("good.yml"), "basic_auth_users:\n  alice: $2y$10$mDwo.lAisC94iLAyP81MCesa29IzH37oigHC/42V2pdJlUprsJPze\n");
        assertEquals(promtool("check", "web-config", good.toString()), run(new CheckWebConfigCommand(), good.toString()));
        Path bad = Files.writeString(dir.resolve("bad.yml"), "no_such_field: 1\n");
        assertEquals(promtool("check", "web-config", bad.toString()).code(), run(new CheckWebConfigCommand(), bad.toString()).code());
        // Usage errors exit as promtool's (kingpin's MustParse: 1); the messages name another program.
        assertEquals(promtool("query", "instant", url).code(), run(new QueryCommand.Instant(), url).code());
        assertEquals(promtool("query", "instant", "--step=1s", url, "up").code(),
                run(new QueryCommand.Instant(), "--step=1s", url, "up").code());
        assertEquals(promtool("check", "healthy", "--bogus").code(), run(new CheckServerStatusCommand.Healthy(), "--bogus").code());
        assertEquals(promtool("check", "web-config").code(), run(new CheckWebConfigCommand()).code());
    }

    /**
     * The installed promtool (2.42) on the same failures: a closed port, an unknown host, and the
     * HTTP error statuses where client_golang reads a body as Prometheus 3's does (a status other
     * than 2xx, 400 and 422, with the body as detail; the API error of a 400 or 422 with a JSON
     * body; the GET after a refused POST). 2.42 differs, by its older client, on a 400 or 422
     * whose body is no JSON and on a 2xx body that is no JSON (jsoniter's words): not compared.
     */
    @Test
    void connectionAndHttpErrorsMatchTheInstalledPromtool() throws Exception {
        Peers.require("promtool");
        String[][] statuses = {
            {"500", "oops\nsecond line\n"}, {"503", BAD_DATA}, {"404", "404 page not found\n"}, {"401", ""}, {"429", "slow down"},
            {"405", "Method Not Allowed"}, {"400", BAD_DATA}, {"422", BAD_DATA},
        };
        for (String[] c : statuses) {
            answers.put("/api/v1/query", new String[] {c[0], c[1]});
            answers.put("/api/v1/query_range", new String[] {c[0], c[1]});
            assertEquals(promtool("query", "instant", url, "up", "--time=1700000000"),
                    run(new QueryCommand.Instant(), url, "up", "--time=1700000000"), c[0] + " " + c[1]);
            assertEquals(promtool("query", "range", url, "up", "--start=1700000000", "--end=1700000600"),
                    run(new QueryCommand.Range(), url, "up", "--start=1700000000", "--end=1700000600"), c[0] + " " + c[1]);
        }
        String unknown = "http://nosuchhost.invalid:9090";
        assertEquals(promtool("query", "instant", unknown, "up"), run(new QueryCommand.Instant(), unknown, "up"));
        server.stop(0);
        assertEquals(promtool("query", "instant", url, "up"), run(new QueryCommand.Instant(), url, "up"));
        assertEquals(promtool("query", "range", url, "up"), run(new QueryCommand.Range(), url, "up"));
        assertEquals(promtool("query", "labels", "--start=1700000000", "--end=1700000600", "--match=up{x=\"a b\"}", url, "job"),
                run(new QueryCommand.Labels(), "--start=1700000000", "--end=1700000600", "--match=up{x=\"a b\"}", url, "job"));
        String secret = url.replace("http://", "http://u:p@");
        assertEquals(promtool("query", "instant", secret, "up"), run(new QueryCommand.Instant(), secret, "up"));
        String v6 = "http://[::1]:" + server.getAddress().getPort();
        assertEquals(promtool("query", "instant", v6, "up"), run(new QueryCommand.Instant(), v6, "up"));
    }
}

package io.promethium.web.tool;

import static io.promethium.web.tool.PromtoolClientCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import io.promethium.web.tool.PromtoolClientCommandsTest.Result;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code query analyze} against a loopback stand-in of {@code /api/v1/query} answering range
 * selectors with matrices shaped as Prometheus documents them (float samples for classic bucket
 * series, {@code histograms} for native ones). promtool 2.42 has no {@code query analyze}: the
 * expected output is worked out by hand from promtool 3's {@code cmd/promtool/analyze.go}.
 */
class QueryAnalyzeCommandTest {

    /** Classic buckets out of le order (1, +Inf, 0.1); a second classic histogram with one sample; a float series without le. */
    static final String CLASSIC = """
            {"status":"success","data":{"resultType":"matrix","result":[
              {"metric":{"__name__":"rpc_seconds_bucket","job":"a","le":"1"},"values":[[1700000000,"2"],[1700000015,"3"],[1700000030,"5"]]},
              {"metric":{"__name__":"rpc_seconds_bucket","job":"a","le":"+Inf"},"values":[[1700000000,"2"],[1700000015,"4"],[1700000030,"6"]]},
              {"metric":{"__name__":"rpc_seconds_bucket","job":"a","le":"0.1"},"values":[[1700000000,"0"],[1700000015,"1"],[1700000030,"1"]]},
              {"metric":{"__name__":"rpc_seconds_bucket","job":"b","le":"+Inf"},"values":[[1700000000,"1"]]},
              {"metric":{"__name__":"up","job":"a"},"values":[[1700000000,"1"],[1700000015,"1"]]}]}}""";
    /** A native histogram with 2, 3 and 1 populated buckets over 4 distinct ones; another with a single sample. */
    static final String NATIVE = """
            {"status":"success","data":{"resultType":"matrix","result":[
              {"metric":{"__name__":"req_size","job":"a"},"histograms":[
                [1700000000,{"count":"3","sum":"6","buckets":[[0,"1","2","1"],[0,"2","4","2"]]}],
                [1700000015,{"count":"6","sum":"12","buckets":[[0,"1","2","1"],[0,"2","4","2"],[0,"4","8","3"]]}],
                [1700000030,{"count":"1","sum":"0","buckets":[[3,"-0.001","0.001","1"]]}]]},
              {"metric":{"__name__":"req_size","job":"b"},"histograms":[[1700000000,{"count":"1","sum":"1","buckets":[[0,"0.5","1","1"]]}]]}]}}""";

    HttpServer server;
    String url;
    final Map<String, String> answers = new ConcurrentHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/query", exchange -> {
            String form = URLDecoder.decode(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            requests.add(exchange.getRequestMethod() + " " + form);
            String answer = answers.entrySet().stream().filter(e -> form.contains("query=" + e.getKey())).map(Map.Entry::getValue)
                    .findFirst().orElse("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}");
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
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

    @Test
    void classicAndNativeHistogramsGetPopulatedBucketStatistics() throws Exception {
        answers.put("rpc_seconds_bucket", CLASSIC);
        answers.put("req_size", NATIVE);
        Result r = run(new QueryAnalyzeCommand(), "--server=" + url, "--type=histogram", "--match=rpc_seconds_bucket", "--match", "req_size",
                "--time=1700000030");
        assertEquals(new Result(0, QueryAnalyzeCommand.HEADER + "\n\n"
                // le order 0.1, 1, +Inf: own counts (0,2,0), (1,2,1), (1,4,1): 1, 3 and 3 populated of 3.
                + "- rpc_seconds_bucket{job=\"a\"} (classic): 1/2.333/3\n"
                + "- req_size{job=\"a\"} (native): 1/2.000/3/4\n"
                + "\n" + QueryAnalyzeCommand.FOOTER + "\n"
                + "\nNative histogram series (1 in total):\n- min populated: 1/1.000/1\n- avg populated: 2/2.000/2\n"
                + "- max populated: 3/3.000/3\n- total: 4/4.000/4\n"
                + "\nClassic histogram series (1 in total):\n- min populated: 1/1.000/1\n- avg populated: 2/2.000/2\n"
                + "- max populated: 3/3.000/3\n", ""), r);
        assertEquals(List.of("POST query=rpc_seconds_bucket[1h0m0s]&time=1700000030", "POST query=req_size[1h0m0s]&time=1700000030"), requests);
    }

    @Test
    void theDurationIsAGoDurationPrintedAsGoPrintsIt() throws Exception {
        run(new QueryAnalyzeCommand(), "--server", url, "--type", "histogram", "--match", "x", "--duration=90m", "--time=2023-11-14T22:13:20Z");
        assertEquals(List.of("POST query=x[1h30m0s]&time=1700000000"), requests);
        run(new QueryAnalyzeCommand(), "--server", url, "--type", "histogram", "--match", "x", "--duration=2m.25s", "--time=2023-11-14T22:13:20Z");
        assertEquals("POST query=x[2m0.25s]&time=1700000000", requests.get(requests.size() - 1));
        assertEquals(new Result(1, "", "promethium query analyze: error: time: missing unit in duration \"1\", try --help\n"),
                run(new QueryAnalyzeCommand(), "--server=" + url, "--type=histogram", "--match=x", "--duration=1"));
    }

    @Test
    void emptyAnswersPrintOnlyTheHeaderAndFooter() throws Exception {
        Result r = run(new QueryAnalyzeCommand(), "--server=" + url, "--type=histogram", "--match=nothing");
        assertEquals(new Result(0, QueryAnalyzeCommand.HEADER + "\n\n\n" + QueryAnalyzeCommand.FOOTER + "\n", ""), r);
    }

    /** promtool 3's checkErr prints the client's error alone: Go's *url.Error, after the header already printed. */
    @Test
    void aServerThatIsDownIsReportedAsGosClientReportsIt() throws Exception {
        server.stop(0);
        String address = url.substring("http://".length());
        assertEquals(new Result(1, QueryAnalyzeCommand.HEADER + "\n\n", "Post \"" + url + "/api/v1/query\": dial tcp " + address
                + ": connect: connection refused\n"), run(new QueryAnalyzeCommand(), "--server=" + url, "--type=histogram", "--match=x"));
    }

    @Test
    void usageErrorsAndBadAnswersExitOneAsPromtool() throws Exception {
        assertEquals(new Result(1, "", "analyze type is classic, must be 'histogram'\n"),
                run(new QueryAnalyzeCommand(), "--server=" + url, "--type=classic", "--match=x"));
        assertEquals(new Result(1, "", "promethium query analyze: error: required flag --match not provided, try --help\n"),
                run(new QueryAnalyzeCommand(), "--server=" + url, "--type=histogram"));
        assertEquals(new Result(1, "", "promethium query analyze: error: time: unknown unit \"d\" in duration \"1d\", try --help\n"),
                run(new QueryAnalyzeCommand(), "--server=" + url, "--type=histogram", "--match=x", "--duration=1d"));
        assertEquals(new Result(1, "", "error parsing time 'yesterday': cannot parse \"yesterday\" to a valid timestamp\n"),
                run(new QueryAnalyzeCommand(), "--server=" + url, "--type=histogram", "--match=x", "--time=yesterday"));

        answers.put("v", "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}");
        Result r = run(new QueryAnalyzeCommand(), "--server=" + url, "--type=histogram", "--match=v");
        assertEquals(1, r.code());
        assertEquals("query of buckets resulted in non-Matrix\n", r.err());

        answers.put("skew", """
                {"status":"success","data":{"resultType":"matrix","result":[
                  {"metric":{"__name__":"s_bucket","le":"1"},"values":[[1,"1"],[2,"1"]]},
                  {"metric":{"__name__":"s_bucket","le":"2"},"values":[[1,"1"],[3,"1"]]}]}}""");
        r = run(new QueryAnalyzeCommand(), "--server=" + url, "--type=histogram", "--match=skew");
        assertEquals(1, r.code());
        assertEquals("matrix result is not time aligned\n", r.err());
    }

    @Test
    void goRoundsHalfToEvenInItsFixedFormat() {
        assertEquals("0.062", QueryAnalyzeCommand.fixed3(0.0625));
        assertEquals("2.333", QueryAnalyzeCommand.fixed3(7.0 / 3));
        assertEquals("{a=\"1\", a_b=\"2\", a1=\"3\"}".length(), QueryAnalyzeCommand.labelSet(Map.of("a1", "3", "a", "1", "a_b", "2")).length());
        // Sorted as "name=value" strings: "a1=" before "a=" before "a_b=".
        assertEquals("{a1=\"3\", a=\"1\", a_b=\"2\"}", QueryAnalyzeCommand.labelSet(new java.util.TreeMap<>(Map.of("a1", "3", "a", "1", "a_b", "2"))));
    }
}

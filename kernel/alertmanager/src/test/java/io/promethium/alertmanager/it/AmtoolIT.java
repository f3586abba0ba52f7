package io.promethium.alertmanager.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.alertmanager.api.V2Server;
import io.promethium.alertmanager.runtime.AlertmanagerRuntime;
import io.promethium.api.testing.RoutesServer;
import io.promethium.alertmanager.tool.CheckAlertmanagerConfig;
import io.promethium.notifiers.webhook.WebhookNotifierFactory;
import io.promethium.testsupport.Peers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Debian's amtool, unchanged, against the in-process Alertmanager's API v2. */
class AmtoolIT {

    @TempDir
    Path dir;
    private AlertmanagerRuntime runtime;
    private RoutesServer server;
    private Path amtool;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    private void start() throws Exception {
        Path file = dir.resolve("alertmanager.yml");
        Files.writeString(file, """
                route:
                  receiver: hook
                  group_by: [alertname]
                receivers:
                  - name: hook
                    webhook_configs:
                      - url: http://127.0.0.1:9/none
                """);
        runtime = new AlertmanagerRuntime(file, dir.resolve("data"), Duration.ofHours(1), "http://prom", Clock.systemUTC());
        runtime.addFactory(new WebhookNotifierFactory());
        runtime.reload();
        server = V2Server.start(() -> runtime);
    }

    private record Result(int code, String out) {
    }

    private Result amtool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(amtool.toString()));
        if (server != null) {
            cmd.add("--alertmanager.url=" + server.url());
        }
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    @Test
    void alertsAndSilencesRoundTripThroughAmtool() throws Exception {
        amtool = Peers.require("amtool");
        start();
        Result add = amtool("alert", "add", "alertname=DiskFull", "severity=page", "instance=db1", "--annotation=summary=disk is full");
        assertThat(add.code()).as(add.out()).isZero();
        amtool("alert", "add", "alertname=CpuHigh", "instance=web1");

        Result query = amtool("alert", "query");
        assertThat(query.code()).as(query.out()).isZero();
        assertThat(query.out()).contains("DiskFull").contains("CpuHigh").contains("disk is full");
        Result filtered = amtool("alert", "query", "alertname=~Disk.*");
        assertThat(filtered.out()).contains("DiskFull").doesNotContain("CpuHigh");

        Result silence = amtool("silence", "add", "alertname=DiskFull", "--comment=maintenance", "--author=ops", "--duration=1h");
        assertThat(silence.code()).as(silence.out()).isZero();
        String id = silence.out().strip();
        assertThat(id).matches("[0-9a-f-]{36}");

        Result silences = amtool("silence", "query");
        assertThat(silences.out()).contains(id).contains("maintenance").contains("ops");
        assertThat(amtool("silence", "query", "-q").out().strip()).isEqualTo(id);
        assertThat(amtool("alert", "query").out()).as("silenced alerts are hidden by default").doesNotContain("DiskFull").contains("CpuHigh");
        assertThat(amtool("alert", "query", "--silenced").out()).contains("DiskFull");

        Result config = amtool("config", "show");
        assertThat(config.code()).as(config.out()).isZero();
        assertThat(config.out()).contains("receiver: hook");
        Result groups = amtool("alert", "query", "--output=json");
        assertThat(groups.out()).contains("\"fingerprint\"");

        Result expire = amtool("silence", "expire", id);
        assertThat(expire.code()).as(expire.out()).isZero();
        assertThat(amtool("silence", "query", "-q").out().strip()).isEmpty();
        assertThat(amtool("silence", "query", "--expired", "-q").out().strip()).isEqualTo(id);
        assertThat(amtool("alert", "query").out()).contains("DiskFull");
    }

    @Test
    void malformedSilenceGetsA400ThatAmtoolReports() throws Exception {
        amtool = Peers.require("amtool");
        start();
        Result bad = amtool("silence", "add", "alertname=~.*", "--comment=c", "--author=a");
        assertThat(bad.code()).isNotZero();
        // amtool reports the server's 400 reason (or its own identical client-side check).
        assertThat(bad.out()).containsIgnoringCase("matcher");
    }

    @Test
    void checkConfigAgreesWithAmtool() throws Exception {
        amtool = Peers.require("amtool");
        String ok = "route:\n  receiver: a\n  group_by: ['...']\n  routes:\n    - matchers: ['x=~\"a|b\"']\n      receiver: a\n"
                + "      active_time_intervals: [w]\nreceivers:\n  - name: a\n    webhook_configs:\n      - url: http://127.0.0.1:1/\n"
                + "time_intervals:\n  - name: w\n    time_intervals:\n      - weekdays: ['monday:friday']\n        location: Europe/Paris\n";
        List<String> files = List.of(
                ok,
                "route:\n  receiver: missing\nreceivers:\n  - name: a\n",
                "route:\n  receiver: a\n  unknown_field: 1\nreceivers:\n  - name: a\n",
                "route:\n  receiver: a\n  match: {x: y}\nreceivers:\n  - name: a\n",
                "route:\n  receiver: a\nreceivers:\n  - name: a\n    webhook_configs:\n      - send_resolved: true\n",
                "route:\n  receiver: a\n  routes:\n    - group_by: [a, a]\nreceivers:\n  - name: a\n",
                "route:\n  receiver: a\n  routes:\n    - mute_time_intervals: [nope]\nreceivers:\n  - name: a\n",
                "route:\n  receiver: a\nreceivers:\n  - name: a\ninhibit_rules:\n  - source_matchers: ['a=\"b\"']\n    equal: [c]\n",
                "global:\n  resolve_timeout: 1x\nroute:\n  receiver: a\nreceivers:\n  - name: a\n",
                "route: [\n");
        for (int i = 0; i < files.size(); i++) {
            Path f = dir.resolve("am" + i + ".yml");
            Files.writeString(f, files.get(i));
            Result theirs = amtool("check-config", f.toString());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread.currentThread().setContextClassLoader(getClass().getClassLoader());
            int ours = CheckAlertmanagerConfig.run(new String[] {f.toString()}, new PrintStream(out), new PrintStream(new ByteArrayOutputStream()));
            assertThat(ours == 0).as("file %d:\n%s\namtool: %s\nours: %s", i, files.get(i), theirs.out(), out)
                    .isEqualTo(theirs.code() == 0);
        }
    }

    /** One file of {@link #utf8NamesAsAlertmanager034ButNotAs025}: its 0.34 verdict, and whether 0.25 differs. */
    private record Utf8Case(String yaml, boolean good, boolean amtool025Differs) {
    }

    /**
     * Label names and matchers that Alertmanager 0.34 reads in its default UTF-8 "fallback" mode
     * ({@code matcher/compat}: route {@code labels}, {@code group_by} and {@code equal} take any
     * non-empty UTF-8 name; a matcher the classic parser refuses is read by the UTF-8 parser;
     * {@code match}-style keys stay legacy). Debian's amtool is 0.25, which has only the classic
     * parser and the legacy names, and no route {@code labels}: where it refuses what 0.34
     * accepts, the case says so, and the difference must still be there (a newer amtool that
     * agrees is noticed). Everything else agrees with 0.25.
     */
    @Test
    void utf8NamesAsAlertmanager034ButNotAs025() throws Exception {
        amtool = Peers.require("amtool");
        String hook = "receivers:\n  - name: a\n    webhook_configs:\n      - url: http://127.0.0.1:1/\n";
        List<Utf8Case> cases = List.of(
                new Utf8Case("route:\n  receiver: a\n  group_by: [service.name]\n" + hook, true, true),
                new Utf8Case("route:\n  receiver: a\n  group_by: ['日本']\n" + hook, true, true),
                new Utf8Case("route:\n  receiver: a\n  group_by: ['']\n" + hook, false, false),
                new Utf8Case("route:\n  receiver: a\n  routes:\n    - matchers: ['service.name=x']\n" + hook, true, true),
                new Utf8Case("route:\n  receiver: a\n  routes:\n    - matchers: ['\"service.name\"=~\"a|b\"']\n" + hook, true, true),
                new Utf8Case("route:\n  receiver: a\n  routes:\n    - matchers: ['日本=x']\n" + hook, true, true),
                new Utf8Case("route:\n  receiver: a\n  routes:\n    - matchers: ['1a=b']\n" + hook, true, true),
                new Utf8Case("route:\n  receiver: a\n  routes:\n    - matchers: ['foo:bar=x', '{a=b', '']\n" + hook, true, false),
                new Utf8Case("route:\n  receiver: a\n  routes:\n    - matchers: ['a b=c']\n" + hook, false, false),
                new Utf8Case("route:\n  receiver: a\n  routes:\n    - matchers: ['a=\"b']\n" + hook, false, false),
                new Utf8Case("route:\n  receiver: a\n  routes:\n    - match: {service.name: x}\n" + hook, false, false),
                new Utf8Case("route:\n  receiver: a\n  routes:\n    - match_re: {service.name: x}\n" + hook, false, false),
                new Utf8Case("route:\n  receiver: a\ninhibit_rules:\n  - source_match: {a.b: x}\n" + hook, false, false),
                new Utf8Case("route:\n  receiver: a\ninhibit_rules:\n  - source_matchers: ['a.b=x']\n    equal: [service.name]\n" + hook,
                        true, true),
                new Utf8Case("route:\n  receiver: a\n  labels: {service.name: pg, team: db}\n" + hook, true, true));
        for (int i = 0; i < cases.size(); i++) {
            Utf8Case c = cases.get(i);
            Path f = dir.resolve("utf8-" + i + ".yml");
            Files.writeString(f, c.yaml(), StandardCharsets.UTF_8);
            Result theirs = amtool("check-config", f.toString());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread.currentThread().setContextClassLoader(getClass().getClassLoader());
            int ours = CheckAlertmanagerConfig.run(new String[] {f.toString()}, new PrintStream(out), new PrintStream(new ByteArrayOutputStream()));
            assertThat(ours == 0).as("ours, case %d:%n%s%n%s", i, c.yaml(), out).isEqualTo(c.good());
            assertThat(theirs.code() == 0).as("amtool 0.25, case %d:%n%s%n%s", i, c.yaml(), theirs.out())
                    .isEqualTo(c.amtool025Differs() != c.good());
        }
    }
}

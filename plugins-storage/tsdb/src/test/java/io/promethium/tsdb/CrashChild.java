package io.promethium.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a class's {@code main} in a child JVM that prints {@code ack N} after each durable commit,
 * and kills it with SIGKILL once it has acknowledged enough: what a crash test then reads back is
 * what survived {@code kill -9}.
 */
final class CrashChild {

    private CrashChild() {
    }

    /** Returns the last acknowledged commit, at least {@code acks} (asserted). */
    static int killAfterAcks(Class<?> main, int acks, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        int lastAck = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ack ")) {
                    lastAck = Integer.parseInt(line.substring(4));
                    if (lastAck >= acks) {
                        break;
                    }
                } else {
                    System.err.println("child: " + line);
                }
            }
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(lastAck).as("child acknowledged commits").isGreaterThanOrEqualTo(acks);
        return lastAck;
    }
}

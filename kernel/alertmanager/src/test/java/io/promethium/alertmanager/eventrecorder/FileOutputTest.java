package io.promethium.alertmanager.eventrecorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 0.34's file output tests: JSON lines appended, the file reopened when rotated away or removed. */
class FileOutputTest {

    @TempDir
    Path dir;

    private static byte[] event(int n) {
        return ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static void awaitExists(Path p) throws InterruptedException {
        for (int i = 0; i < 250 && !Files.exists(p); i++) {
            Thread.sleep(20);
        }
    }

    @Test
    void appendsOneLinePerEventToAnExistingFile() throws IOException {
        Path path = dir.resolve("events.jsonl");
        Files.writeString(path, "{\"earlier\":true}\n");
        try (FileOutput out = new FileOutput(path)) {
            assertThat(out.name()).isEqualTo("file:" + path.toAbsolutePath());
            assertThat(out.send(event(1))).isEqualTo(8);
            out.send(event(2));
        }
        assertThat(Files.readAllLines(path)).containsExactly("{\"earlier\":true}", "{\"n\":1}", "{\"n\":2}");
    }

    @Test
    void reopensAfterRename() throws Exception {
        Path path = dir.resolve("events.jsonl");
        try (FileOutput out = new FileOutput(path)) {
            out.send(event(1));
            Path rotated = dir.resolve("events.jsonl.1");
            Files.move(path, rotated);
            awaitExists(path);
            assertThat(path).as("the watcher reopens the file at its path").exists();
            out.send(event(2));
            assertThat(Files.readAllLines(rotated)).containsExactly("{\"n\":1}");
            assertThat(Files.readAllLines(path)).containsExactly("{\"n\":2}");
        }
    }

    @Test
    void reopensAfterRemove() throws Exception {
        Path path = dir.resolve("events.jsonl");
        try (FileOutput out = new FileOutput(path)) {
            out.send(event(1));
            Files.delete(path);
            awaitExists(path);
            out.send(event(2));
            assertThat(Files.readAllLines(path)).containsExactly("{\"n\":2}");
        }
    }

    @Test
    void writingAfterCloseFails() throws IOException {
        FileOutput out = new FileOutput(dir.resolve("e.jsonl"));
        out.close();
        assertThatThrownBy(() -> out.send(event(1))).isInstanceOf(IOException.class);
    }

    @Test
    void missingFolderFails() {
        assertThatThrownBy(() -> new FileOutput(dir.resolve("nonexistent/dir/events.jsonl"))).isInstanceOf(IOException.class);
        assertThat(List.of(dir.toFile().list())).isEmpty();
    }
}

package io.promethium.push.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestGroupFile {

    @TempDir
    Path dir;

    private static GroupStore storeWithGroups() throws PushException {
        GroupStore store = new GroupStore(new GroupStore.Limits(100, 1000), GroupStore::wallClockNanos);
        store.push(GroupingKey.of("job", "a", "instance", "i/1"), TextBodyParser.parse(bytes("""
                # HELP h Help with \\\\ and \\n.
                # TYPE h histogram
                h_bucket{le="1"} 1
                h_bucket{le="+Inf"} 2
                h_sum 3
                h_count 2
                x{empty=""} NaN
                """), bytes("""
                # HELP h Help with \\\\ and \\n.
                # TYPE h histogram
                h_bucket{le="1"} 1
                h_bucket{le="+Inf"} 2
                h_sum 3
                h_count 2
                x{empty=""} NaN
                """).length), true, 60_000);
        store.push(GroupingKey.of("job", "b"), TextBodyParser.parse(bytes("# TYPE s summary\ns{quantile=\"0.5\"} 1\ns_sum 2\ns_count 3\n"),
                bytes("# TYPE s summary\ns{quantile=\"0.5\"} 1\ns_sum 2\ns_count 3\n").length), true, 0);
        store.recordFailure(GroupingKey.of("job", "b"), 0);
        return store;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void groupsSurviveAWriteAndARead() throws Exception {
        GroupStore store = storeWithGroups();
        Path file = dir.resolve("sub/push.data");
        GroupFile.write(file, store.groups());
        List<MetricGroup> read = GroupFile.read(file);
        assertThat(read).isEqualTo(store.groups());
        GroupStore restored = new GroupStore(new GroupStore.Limits(100, 1000), GroupStore::wallClockNanos);
        restored.restore(read);
        StringBuilderWriter a = new StringBuilderWriter();
        StringBuilderWriter b = new StringBuilderWriter();
        PushedPage.write(PushedPage.gather(store.groups()), a);
        PushedPage.write(PushedPage.gather(restored.groups()), b);
        assertThat(b.toString()).isEqualTo(a.toString()).contains("x{empty=\"\",instance=\"i/1\",job=\"a\"} NaN");
        assertThat(Files.list(file.getParent())).extracting(p -> p.getFileName().toString()).containsExactly("push.data");
    }

    @Test
    void aWriteThatFailsLeavesNoTemporaryFileBehind() throws Exception {
        // The rename fails (a non-empty folder holds the file's name), as a write fails on a full disk: after the temporary file was made.
        Path file = Files.createDirectories(dir.resolve("pushgateway.data"));
        Files.writeString(file.resolve("occupant"), "x");
        assertThatThrownBy(() -> GroupFile.write(file, storeWithGroups().groups())).isInstanceOf(IOException.class);
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString()).toList()).containsExactly("pushgateway.data");
        }
    }

    @Test
    void aMissingFileIsAnEmptyStore() throws Exception {
        assertThat(GroupFile.read(dir.resolve("none"))).isEmpty();
    }

    @Test
    void aDamagedFileIsRefusedWithTheReason() throws Exception {
        Path file = dir.resolve("push.data");
        GroupFile.write(file, storeWithGroups().groups());
        byte[] content = Files.readAllBytes(file);
        content[content.length / 2] ^= 0x55;
        Files.write(file, content);
        assertThatThrownBy(() -> GroupFile.read(file)).isInstanceOf(IOException.class).hasMessageContaining("checksum");
        Files.write(file, java.util.Arrays.copyOf(content, content.length - 7));
        assertThatThrownBy(() -> GroupFile.read(file)).isInstanceOf(IOException.class).hasMessageContaining("checksum");
        Files.write(file, java.util.Arrays.copyOf(content, 10));
        assertThatThrownBy(() -> GroupFile.read(file)).isInstanceOf(IOException.class).hasMessageContaining("too short");
        Files.writeString(file, "gob-encoded Pushgateway data of another program");
        assertThatThrownBy(() -> GroupFile.read(file)).isInstanceOf(IOException.class).hasMessageContaining("magic");
    }

    @Test
    void aWriteReplacesTheOldFileAtomically() throws Exception {
        Path file = dir.resolve("push.data");
        GroupFile.write(file, storeWithGroups().groups());
        GroupFile.write(file, List.of());
        assertThat(GroupFile.read(file)).isEmpty();
        assertThat(Files.exists(dir.resolve("push.data.tmp"))).isFalse();
    }

    /** A Writer into a StringBuilder. */
    static final class StringBuilderWriter extends java.io.Writer {
        private final StringBuilder sb = new StringBuilder();

        @Override
        public void write(char[] cbuf, int off, int len) {
            sb.append(cbuf, off, len);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return sb.toString();
        }
    }
}

package io.promethium.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The JDK's JSON thread dump as the leak watch reads it: the threads, their ids and frames. */
class ThreadDumpTest {

    @Test
    void aLiveDumpListsAParkedVirtualThreadWithItsStackAndNoPlatformThread() throws Exception {
        CountDownLatch latch = new CountDownLatch(1);
        Thread parked = Thread.ofVirtual().name("dump \"quoted\"/name").start(() -> {
            try {
                latch.await();
            } catch (InterruptedException e) {
                // ends
            }
        });
        try {
            // Dumped once parked: a virtual thread still being scheduled may not be in the dump yet.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (parked.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            var platform = Thread.getAllStackTraces().keySet().stream().map(Thread::threadId).collect(java.util.stream.Collectors.toSet());
            var found = ThreadDump.virtualThreads(platform).stream().filter(t -> t.tid() == parked.threadId()).toList();
            assertThat(found).singleElement().satisfies(t -> {
                assertThat(t.name()).isEqualTo("dump \"quoted\"/name");
                assertThat(t.stack()).anySatisfy(f -> assertThat(f).startsWith("io.promethium.launcher.ThreadDumpTest.lambda$"));
                assertThat(t.stack()).anySatisfy(f -> assertThat(f).startsWith("java.base/java.util.concurrent.CountDownLatch.await("));
            });
            assertThat(ThreadDump.virtualThreads(platform)).noneMatch(t -> platform.contains(t.tid()) && !t.virtual());
        } finally {
            latch.countDown();
            parked.join(5_000);
        }
    }

    @Test
    void parsesTheDumpFormatWithEscapesAndTheJdk21FormWithoutTheVirtualFlag() {
        String json = """
                {"threadDump": {"processId": "1", "threadContainers": [
                  {"container": "<root>", "parent": null, "owner": null, "threads": [
                    {"tid": "1", "name": "main", "stack": ["java.base\\/java.lang.Object.wait0(Native Method)"]},
                    {"tid": "42", "name": "a\\u0020b\\n", "virtual": true, "state": "WAITING", "stack": []}
                  ], "threadCount": "2"},
                  {"container": "java.util.concurrent.ThreadPerTaskExecutor@1", "parent": "<root>", "owner": null, "threads": [
                    {"tid": "43", "name": "", "stack": ["com.example.Task.run(Task.java:3)"]}
                  ], "threadCount": 1.5e0}
                ]}}""";
        var threads = ThreadDump.parse(json);
        assertThat(threads).extracting(ThreadDump.Dumped::tid).containsExactly(1L, 42L, 43L);
        assertThat(threads.get(0).stack()).containsExactly("java.base/java.lang.Object.wait0(Native Method)");
        assertThat(threads.get(1).name()).isEqualTo("a b\n");
        assertThat(threads.get(1).virtual()).isTrue();
        assertThat(threads.get(2).virtual()).as("no flag, as before JDK 25").isFalse();
    }

    @Test
    void refusesMalformedJson() {
        assertThatThrownBy(() -> MiniJson.parse("{\"a\": [1, 2}")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("']' expected");
        assertThatThrownBy(() -> MiniJson.parse("{\"a\": \"x\" } x")).hasMessageContaining("end of input expected");
        assertThatThrownBy(() -> MiniJson.parse("\"\\q\"")).hasMessageContaining("bad escape");
    }

    @Test
    void framesNameTheirClassAndWhetherItIsInANamedModule() {
        assertThat(StackFrame.parse("java.base/java.lang.Thread.run(Thread.java:1583)")).isEqualTo(new StackFrame("java.lang.Thread", true));
        assertThat(StackFrame.parse("com.example.Foo$Bar.lambda$run$0(Foo.java:12)")).isEqualTo(new StackFrame("com.example.Foo$Bar", false));
        assertThat(StackFrame.parse("felix//com.example.Foo.run(Unknown Source)")).as("a named loader, unnamed module")
                .isEqualTo(new StackFrame("com.example.Foo", false));
        assertThat(StackFrame.parse("app/com.example.mod@1.2/com.example.Foo.run(Foo.java:1)")).as("a named module of a named loader")
                .isEqualTo(new StackFrame("com.example.Foo", true));
        StackFrame hidden = StackFrame.parse("com.example.Foo$$Lambda/0x00007f3c8c0a1234.run(Unknown Source)");
        assertThat(hidden).isEqualTo(new StackFrame("com.example.Foo$$Lambda/0x00007f3c8c0a1234", false));
        assertThat(hidden.named()).isFalse();
        assertThat(StackFrame.parse("java.base/java.lang.invoke.LambdaForm$DMH/0x0000000800c01000.invokeStatic(LambdaForm$DMH)").jdk()).isTrue();
        assertThat(Set.of(StackFrame.of(new StackTraceElement("a.B", "m", "B.java", 1)))).containsExactly(new StackFrame("a.B", false));
    }
}

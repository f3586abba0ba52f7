package io.promethium.exporter.node.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The kernel's page size, read once from the {@code KernelPageSize} of this process's first mapping (Java has no getpagesize). */
final class PageSize {

    private PageSize() {
    }

    static long bytes(Path procfs) {
        try (Stream<String> lines = Files.lines(procfs.resolve("self/smaps"))) {
            return lines.filter(l -> l.startsWith("KernelPageSize:")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024).orElse(4096L);
        } catch (IOException | RuntimeException e) {
            return 4096;
        }
    }
}

package io.promethium.exporter.node.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small helpers for sysfs folders and one-value files. */
final class Sysfs {

    private Sysfs() {
    }

    /** The entries of {@code dir} whose names start with {@code prefix} followed by digits, sorted by that number. */
    static List<Path> numbered(Path dir, String prefix) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, prefix + "*")) {
            for (Path p : entries) {
                String rest = p.getFileName().toString().substring(prefix.length());
                if (!rest.isEmpty() && rest.chars().allMatch(Character::isDigit)) {
                    out.add(p);
                }
            }
        }
        out.sort((a, b) -> Long.compare(number(a, prefix), number(b, prefix)));
        return out;
    }

    /** The entries of a folder, sorted by name; empty when it does not exist. */
    static List<Path> list(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            entries.forEach(out::add);
        }
        out.sort(null);
        return out;
    }

    static long number(Path p, String prefix) {
        return Long.parseLong(p.getFileName().toString().substring(prefix.length()));
    }

    static String suffix(Path p, String prefix) {
        return p.getFileName().toString().substring(prefix.length());
    }

    /** A small file's trimmed content, or null when it cannot be read (sysfs answers EINVAL for some attributes of a down device). */
    static String readOrNull(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}

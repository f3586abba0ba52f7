package io.promethium.discovery.file.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@code files} entry resolved to a folder and a glob over the names in it: Prometheus allows
 * {@code *} in the last path element only, so one folder listing finds every match.
 */
record FilePattern(Path directory, String glob) {

    FilePattern {
        Objects.requireNonNull(directory, "directory is null");
        Objects.requireNonNull(glob, "glob is null");
    }

    static FilePattern of(Path base, String pattern) {
        Path full = base.resolve(pattern).normalize();
        Path parent = full.getParent();
        return new FilePattern(parent == null ? base : parent, full.getFileName().toString());
    }

    /** Matching regular files, sorted; an absent folder matches nothing. */
    List<Path> list() throws IOException {
        List<Path> result = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return result;
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + escapeForGlob(glob));
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            for (Path path : stream) {
                if (matcher.matches(path.getFileName()) && Files.isRegularFile(path)) {
                    result.add(path);
                }
            }
        }
        result.sort(null);
        return result;
    }

    /** Go's glob has no {@code {a,b}} alternatives: make those characters literal. */
    private static String escapeForGlob(String name) {
        StringBuilder sb = new StringBuilder(name.length() + 8);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '{' || c == '}' || c == ',') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }
}

package io.promethium.rules.internal.manager;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Expands {@code rule_files} patterns as Prometheus does (Go's filepath.Glob): relative to the
 * config file's folder, {@code *} and {@code ?} and {@code [...]} within one path segment,
 * matches sorted, a pattern matching nothing is no error.
 */
public final class RuleFileGlobs {

    private RuleFileGlobs() {
    }

    public static List<Path> expand(Path baseDir, List<String> patterns) throws IOException {
        Set<Path> files = new LinkedHashSet<>();
        for (String pattern : patterns) {
            Path p = baseDir == null ? Path.of(pattern) : baseDir.resolve(pattern);
            p = p.normalize();
            if (!hasMeta(p.toString())) {
                if (Files.isRegularFile(p)) {
                    files.add(p);
                } else if (!Files.exists(p)) {
                    continue;
                } else {
                    files.add(p);
                }
                continue;
            }
            Path root = p.getRoot() == null ? Path.of("") : p.getRoot();
            Path base = root;
            int depth = 0;
            boolean inGlob = false;
            for (Path segment : p) {
                if (!inGlob && !hasMeta(segment.toString())) {
                    base = base.resolve(segment);
                } else {
                    inGlob = true;
                    depth++;
                }
            }
            if (!Files.isDirectory(base)) {
                continue;
            }
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + escapeForJavaGlob(p.toString()));
            List<Path> matched = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(base, depth)) {
                walk.filter(f -> Files.isRegularFile(f) && matcher.matches(f)).forEach(matched::add);
            }
            matched.sort(null);
            files.addAll(matched);
        }
        return List.copyOf(files);
    }

    private static boolean hasMeta(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0;
    }

    /** Java's glob also treats braces specially; Go's does not. */
    private static String escapeForJavaGlob(String s) {
        return s.replace("{", "\\{").replace("}", "\\}");
    }
}

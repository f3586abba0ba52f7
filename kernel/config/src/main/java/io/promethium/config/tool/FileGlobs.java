package io.promethium.config.tool;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Go's {@code filepath.Glob} for the patterns a config names ({@code rule_files}, file_sd
 * {@code files}): relative to the config's folder, wildcards ({@code * ? [...]}, {@code \} escapes)
 * in the last path element only, as Prometheus requires there; matches sorted.
 */
public final class FileGlobs {

    private FileGlobs() {
    }

    static boolean hasMeta(String pattern) {
        return pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0 || pattern.indexOf('[') >= 0 || pattern.indexOf('\\') >= 0;
    }

    public static List<Path> expand(Path base, String pattern) throws IOException {
        Path path = base.resolve(pattern).normalize();
        if (!hasMeta(pattern)) {
            return Files.exists(path) ? List.of(path) : List.of();
        }
        Path dir = path.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return List.of();
        }
        Pattern name = toRegex(path.getFileName().toString());
        List<Path> matches = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path file : stream) {
                if (name.matcher(file.getFileName().toString()).matches()) {
                    matches.add(file);
                }
            }
        }
        matches.sort(null);
        return matches;
    }

    /** One path element of a Go glob as a regex. */
    private static Pattern toRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> re.append("[^/]*");
                case '?' -> re.append("[^/]");
                case '\\' -> {
                    if (i + 1 < glob.length()) {
                        re.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
                    }
                }
                case '[' -> {
                    int end = glob.indexOf(']', i + 2);
                    if (end < 0) {
                        re.append(Pattern.quote("["));
                        break;
                    }
                    String body = glob.substring(i + 1, end);
                    boolean negated = body.startsWith("^");
                    if (negated) {
                        body = body.substring(1);
                    }
                    re.append('[').append(negated ? "^" : "").append(body.replace("[", "\\[").replace("&&", "\\&\\&")).append(']');
                    i = end;
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}

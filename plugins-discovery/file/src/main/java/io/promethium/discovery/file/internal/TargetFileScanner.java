package io.promethium.discovery.file.internal;

import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One pass over the matching files, remembering what it found: a file that cannot be read or
 * parsed keeps its last good groups (and counts as a read error); a file that disappears turns
 * into empty groups with its sources, which removes them downstream. Not thread-safe.
 */
final class TargetFileScanner {

    private final List<FilePattern> patterns;
    private final FileSdMetrics metrics;
    private final Logger log;
    private final TargetFileParser parser = new TargetFileParser();
    private final Map<Path, List<TargetGroup>> lastGood = new TreeMap<>();
    private final Map<String, TargetGroup> sent = new HashMap<>();

    TargetFileScanner(List<FilePattern> patterns, FileSdMetrics metrics, Logger log) {
        this.patterns = List.copyOf(patterns);
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.log = Objects.requireNonNull(log, "log is null");
    }

    /** Re-reads every matching file; returns all groups when {@code all}, else only those that changed. */
    List<TargetGroup> scan(boolean all) {
        long start = System.nanoTime();
        Set<Path> found = new HashSet<>();
        for (FilePattern pattern : patterns) {
            try {
                found.addAll(pattern.list());
            } catch (IOException e) {
                metrics.readError();
                log.log(Level.WARNING, "file_sd: cannot list " + pattern.directory() + ": " + e.getMessage());
            }
        }
        lastGood.keySet().retainAll(found);
        for (Path file : found) {
            try {
                lastGood.put(file, parser.parse(file, Files.readAllBytes(file)));
            } catch (NoSuchFileException e) {
                lastGood.remove(file);
            } catch (IOException | TargetFileException e) {
                metrics.readError();
                log.log(Level.WARNING, "file_sd: error reading file, keeping its last good targets: "
                        + (e instanceof TargetFileException ? e.getMessage() : file + ": " + e));
            }
        }
        Map<String, TargetGroup> current = new LinkedHashMap<>();
        for (List<TargetGroup> groups : lastGood.values()) {
            for (TargetGroup group : groups) {
                current.put(group.source(), group);
            }
        }
        List<TargetGroup> changed = new ArrayList<>();
        for (TargetGroup group : current.values()) {
            if (all || !group.equals(sent.get(group.source()))) {
                changed.add(group);
            }
        }
        for (String source : sent.keySet()) {
            if (!current.containsKey(source)) {
                changed.add(new TargetGroup(source, List.of(), Labels.EMPTY));
            }
        }
        sent.clear();
        sent.putAll(current);
        metrics.scanned(System.nanoTime() - start);
        return List.copyOf(changed);
    }
}

package io.promethium.example.mycorp.discovery;

import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One look at the folder: a group per {@code *.targets} file, a target per line. A file is read
 * whole each time; an unreadable folder is an {@link IOException}, and the discoverer keeps the
 * last targets it had.
 */
record TargetsFolder(Path folder) {

    /** The label every target of a file carries, for relabelling. */
    static final String FILE_LABEL = "__meta_mycorp_file";

    List<TargetGroup> groups() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder, "*.targets")) {
            stream.forEach(files::add);
        }
        files.sort(null);
        List<TargetGroup> groups = new ArrayList<>(files.size());
        for (Path file : files) {
            List<Labels> targets = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                String address = line.strip();
                if (!address.isEmpty() && !address.startsWith("\u0023")) {
                    targets.add(Labels.of("__address__", address));
                }
            }
            String name = file.getFileName().toString();
            groups.add(new TargetGroup(name, targets, Labels.of(FILE_LABEL, name)));
        }
        return groups;
    }
}

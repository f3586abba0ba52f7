package io.promethium.config.tool;

import io.promethium.api.config.ConfigException;
import io.promethium.config.internal.TargetAddresses;
import io.promethium.config.yaml.YamlNode;
import io.promethium.config.yaml.YamlReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The target files a config's {@code file_sd_configs} name, read as {@code promtool check config}
 * reads them: each must be a JSON or YAML list of target groups with only {@code targets} and
 * {@code labels}, and every target a {@code host:port} (no scheme, no path). A pattern matching
 * no file is a warning, as in promtool: the file may appear later.
 */
final class FileSdCheck {

    private final YamlReader reader = new YamlReader();
    private final Path base;
    private final PrintStream out;

    FileSdCheck(Path base, PrintStream out) {
        this.base = base;
        this.out = out;
    }

    /** Checks every file_sd file of scrape jobs and Alertmanagers; throws on the first bad one. */
    void check(YamlNode root) throws ConfigException {
        if (!(root instanceof YamlNode.Mapping top)) {
            return;
        }
        for (YamlNode job : items(top.get("scrape_configs"))) {
            if (job instanceof YamlNode.Mapping m) {
                String name = m.get("job_name") instanceof YamlNode.Scalar s && !s.isNull() ? s.text() : "";
                checkBlocks(m, "scrape job \"" + name + "\"", rewritesAddress(m));
            }
        }
        if (top.get("alerting") instanceof YamlNode.Mapping alerting) {
            for (YamlNode am : items(alerting.get("alertmanagers"))) {
                if (am instanceof YamlNode.Mapping m) {
                    checkBlocks(m, "alertmanager config", rewritesAddress(m));
                }
            }
        }
    }

    private void checkBlocks(YamlNode.Mapping owner, String what, boolean relabelsAddress) throws ConfigException {
        for (YamlNode block : items(owner.get("file_sd_configs"))) {
            if (!(block instanceof YamlNode.Mapping m)) {
                continue;
            }
            for (YamlNode pattern : items(m.get("files"))) {
                if (!(pattern instanceof YamlNode.Scalar p) || p.isNull()) {
                    continue;
                }
                List<Path> files;
                try {
                    files = FileGlobs.expand(base, p.text());
                } catch (IOException e) {
                    throw new ConfigException(pattern.location() + ": checking SD file \"" + p.text() + "\": " + e.getMessage(), e);
                }
                if (files.isEmpty()) {
                    out.println("  WARNING: file \"" + p.text() + "\" for file_sd in " + what + " does not exist");
                }
                for (Path file : files) {
                    checkFile(file, p.text(), relabelsAddress);
                }
            }
        }
    }

    private void checkFile(Path file, String pattern, boolean relabelsAddress) throws ConfigException {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
        String prefix = "checking SD file \"" + pattern + "\": ";
        if (!ext.equals(".json") && !ext.equals(".yml") && !ext.equals(".yaml")) {
            throw new ConfigException(file + ": " + prefix + "invalid file extension: \"" + (dot < 0 ? "" : name.substring(dot)) + "\"");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": " + prefix + "cannot read: " + e.getMessage(), e);
        }
        YamlNode root = reader.read(file.toString(), text);
        if (root instanceof YamlNode.Mapping m && m.entries().isEmpty()) {
            return; // an empty file holds no groups
        }
        if (!(root instanceof YamlNode.Sequence groups)) {
            throw new ConfigException(root.location() + ": " + prefix + "expected a list of target groups, got " + YamlNode.kind(root));
        }
        for (int i = 0; i < groups.items().size(); i++) {
            YamlNode group = groups.items().get(i);
            if (group instanceof YamlNode.Scalar s && (s.isNull() || s.text().isEmpty())) {
                throw new ConfigException(group.location() + ": " + prefix + "nil target group item found (index " + i + ")");
            }
            if (!(group instanceof YamlNode.Mapping g)) {
                throw new ConfigException(group.location() + ": " + prefix + "expected a target group, got " + YamlNode.kind(group));
            }
            for (YamlNode.Entry entry : g.entries().values()) {
                if (!entry.key().equals("targets") && !entry.key().equals("labels")) {
                    throw new ConfigException(entry.keyLocation() + ": " + prefix + "field " + entry.key() + " not found in target group");
                }
            }
            for (YamlNode target : items(g.get("targets"))) {
                if (!(target instanceof YamlNode.Scalar t) || t.isNull()) {
                    throw new ConfigException(target.location() + ": " + prefix + "a target must be a string");
                }
                String violation = relabelsAddress ? null : TargetAddresses.violation(t.text());
                if (violation != null) {
                    throw new ConfigException(target.location() + ": " + prefix + violation);
                }
            }
            YamlNode labels = g.get("labels");
            if (labels != null && !(labels instanceof YamlNode.Scalar l && l.isNull())) {
                if (!(labels instanceof YamlNode.Mapping lm)) {
                    throw new ConfigException(labels.location() + ": " + prefix + "labels must be a mapping");
                }
                for (YamlNode.Entry label : lm.entries().values()) {
                    if (label.key().isEmpty() || !(label.value() instanceof YamlNode.Scalar)) {
                        throw new ConfigException(label.keyLocation() + ": " + prefix + "\"" + label.key() + "\" is not a valid label");
                    }
                }
            }
        }
    }

    /** Whether relabeling may rewrite {@code __address__}, so the raw address is not what is scraped. */
    private static boolean rewritesAddress(YamlNode.Mapping owner) {
        for (YamlNode rule : items(owner.get("relabel_configs"))) {
            if (rule instanceof YamlNode.Mapping r) {
                if (r.get("target_label") instanceof YamlNode.Scalar t && "__address__".equals(t.text())) {
                    return true;
                }
                if (r.get("action") instanceof YamlNode.Scalar a && "labelmap".equalsIgnoreCase(a.text())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<YamlNode> items(YamlNode node) {
        return node instanceof YamlNode.Sequence s ? s.items() : List.of();
    }
}

package io.promethium.rules.tool;

import io.promethium.rules.internal.file.GroupDef;
import io.promethium.rules.internal.file.RuleFileException;
import io.promethium.rules.internal.file.RuleFileParser;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code promethium check rules FILE...}: validates rule files as {@code promtool check rules}
 * does and reports each file's result. Exit code 0 when all are valid, 1 when one is not or on a
 * usage error (as promtool).
 */
public final class CheckRules {

    private CheckRules() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** promtool's warning: rules of one file with the same name and labels (group labels included). */
    static List<String> duplicates(List<GroupDef> groups) {
        java.util.Map<String, Integer> seen = new java.util.TreeMap<>();
        java.util.Map<String, String> text = new java.util.TreeMap<>();
        for (GroupDef g : groups) {
            for (var r : g.rules()) {
                io.promethium.api.model.Labels.Builder b = g.labels().toBuilder();
                r.labels().forEach(b::set);
                io.promethium.api.model.Labels labels = b.build();
                String key = r.name() + labels;
                seen.merge(key, 1, Integer::sum);
                StringBuilder sb = new StringBuilder("Metric: " + r.name() + "\nLabel(s):\n");
                labels.forEach((n, v) -> sb.append('\t').append(n).append(": ").append(v).append('\n'));
                text.put(key, sb.toString());
            }
        }
        List<String> out = new java.util.ArrayList<>();
        seen.forEach((key, n) -> {
            if (n > 1) {
                out.add(text.get(key));
            }
        });
        return out;
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println("usage: promethium check rules FILE...");
            return 1;
        }
        RuleFileParser parser = new RuleFileParser();
        boolean failed = false;
        for (String arg : args) {
            out.println("Checking " + arg);
            try {
                List<GroupDef> groups = parser.parseFile(Path.of(arg));
                int rules = groups.stream().mapToInt(g -> g.rules().size()).sum();
                List<String> duplicates = duplicates(groups);
                if (!duplicates.isEmpty()) {
                    out.println(duplicates.size() + " duplicate rule(s) found.");
                    duplicates.forEach(out::print);
                    out.println("Might cause inconsistency while recording expressions.");
                }
                out.println("  SUCCESS: " + rules + " rules found");
            } catch (RuleFileException e) {
                failed = true;
                err.println("  FAILED:");
                for (String error : e.errors()) {
                    err.println(error);
                }
            } catch (RuntimeException e) {
                failed = true;
                err.println("  FAILED:");
                err.println(arg + ": " + e.getMessage());
            }
            out.println();
        }
        return failed ? 1 : 0;
    }
}

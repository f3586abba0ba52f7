package io.promethium.launcher;

import io.promethium.api.tool.Tool;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The command-line tools the installed bundles and plugins provide ({@link Tool} services found by
 * {@link ServiceLoader} on the flat class path): the launcher names none of them.
 */
final class Tools {

    private final Map<String, Tool> byName;

    private Tools(Map<String, Tool> byName) {
        this.byName = byName;
    }

    /** The tools listed in {@code META-INF/services} of the jars {@code loader} sees; a duplicate name or a broken entry is reported and skipped. */
    static Tools load(ClassLoader loader, PrintStream warnings) {
        Map<String, Tool> byName = new TreeMap<>();
        var providers = ServiceLoader.load(Tool.class, loader).iterator();
        while (true) {
            Tool tool;
            try {
                if (!providers.hasNext()) {
                    break;
                }
                tool = providers.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                warnings.println("promethium: warning: a tool cannot be loaded: " + e.getMessage());
                continue;
            }
            String name = tool.name().strip().replaceAll("\\s+", " ");
            Tool taken = byName.putIfAbsent(name, tool);
            if (taken != null) {
                warnings.println("promethium: warning: tool '" + name + "' of " + tool.getClass().getName()
                        + " ignored: already provided by " + taken.getClass().getName());
            }
        }
        return new Tools(byName);
    }

    /** A tool and the words of the command line after its name. */
    record Match(Tool tool, List<String> args) {
    }

    /** The tool whose name is the longest run of leading {@code words}, or null. */
    Match match(List<String> words) {
        for (int n = words.size(); n > 0; n--) {
            Tool tool = byName.get(String.join(" ", words.subList(0, n)));
            if (tool != null) {
                return new Match(tool, words.subList(n, words.size()));
            }
        }
        return null;
    }

    /** The names of the tools whose first word is {@code word}. */
    List<String> startingWith(String word) {
        List<String> names = new ArrayList<>();
        for (String name : byName.keySet()) {
            if (name.equals(word) || name.startsWith(word + " ")) {
                names.add(name);
            }
        }
        return names;
    }

    /** One usage line per tool: name and arguments, then what it does. */
    List<String> usageLines() {
        List<String> lines = new ArrayList<>();
        byName.forEach((name, tool) -> {
            String help = tool.help().strip();
            int gap = help.indexOf("  ");
            String head = "  " + name + (gap < 0 ? "" : " " + help.substring(0, gap));
            String text = gap < 0 ? help : help.substring(gap).strip();
            // Long heads put the description on a line of its own, in the column of the others.
            lines.add(head.length() > 34 ? head + "\n" + " ".repeat(36) + text : head + " ".repeat(36 - head.length()) + text);
        });
        return lines;
    }
}

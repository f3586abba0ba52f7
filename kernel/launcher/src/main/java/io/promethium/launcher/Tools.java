package io.promethium.launcher;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.nio.file.Path;
import java.util.TreeMap;

/**
 * The command-line tools the installed bundles and plugins provide ({@code io.promethium.api.tool.Tool}
 * services their jars list in {@code META-INF/services}, loaded on the flat class path): the
 * launcher names none of them.
 *
 * <p>The launcher sees the interface only through the flat class path, by reflection: the api jar
 * must not be on the server's class path, where Felix would find a second copy of the api's
 * packages in the system bundle and hide from the launcher's trackers every service that names
 * an api interface (the config service is also a {@code Collector}).
 */
final class Tools {

    static final String TOOL_INTERFACE = "io.promethium.api.tool.Tool";

    /** One installed tool: the instance and the interface's methods. */
    record Tool(Object instance, String name, String help, Method run) {
        /** Runs the tool; what it throws is thrown as is. */
        int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
            try {
                return (Integer) run.invoke(instance, args, out, err);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw e;
            }
        }
    }

    private final Map<String, Tool> byName;

    private Tools(Map<String, Tool> byName) {
        this.byName = byName;
    }

    /**
     * The tools the jars of {@code folders} list in {@code META-INF/services} (as their cached
     * headers say), loaded through {@code loader}; a duplicate name or a broken entry is reported
     * and skipped.
     */
    static Tools load(List<Path> folders, JarHeaders headers, ClassLoader loader, PrintStream warnings) throws java.io.IOException {
        List<String> classes = new ArrayList<>();
        for (Path folder : folders) {
            for (JarHeaders.Jar jar : headers.of(folder)) {
                String tools = jar.headers().get(JarHeaders.TOOLS);
                if (jar.readable() && tools != null) {
                    classes.addAll(List.of(tools.split(",")));
                }
            }
        }
        return load(classes, loader, warnings);
    }

    /** The tools of these class names, loaded through {@code loader}. */
    static Tools load(List<String> classes, ClassLoader loader, PrintStream warnings) {
        Map<String, Tool> byName = new TreeMap<>();
        Class<?> type;
        Method name;
        Method help;
        Method run;
        try {
            type = Class.forName(TOOL_INTERFACE, false, loader);
            name = type.getMethod("name");
            help = type.getMethod("help");
            run = type.getMethod("run", List.class, PrintStream.class, PrintStream.class);
        } catch (ReflectiveOperationException | LinkageError e) {
            warnings.println("promethium: warning: no tools: the api bundle (" + TOOL_INTERFACE + ") is not installed: " + e);
            return new Tools(byName);
        }
        for (String className : classes) {
            Tool tool;
            try {
                Class<?> c = Class.forName(className, true, loader);
                if (!type.isAssignableFrom(c)) {
                    throw new ClassCastException(className + " is not a " + TOOL_INTERFACE);
                }
                Object instance = c.getConstructor().newInstance();
                tool = new Tool(instance, ((String) name.invoke(instance)).strip().replaceAll("\\s+", " "),
                        (String) help.invoke(instance), run);
            } catch (LinkageError | ReflectiveOperationException | RuntimeException e) {
                warnings.println("promethium: warning: tool " + className + " cannot be loaded: " + e);
                continue;
            }
            Tool taken = byName.putIfAbsent(tool.name(), tool);
            if (taken != null) {
                warnings.println("promethium: warning: tool '" + tool.name() + "' of " + tool.instance().getClass().getName()
                        + " ignored: already provided by " + taken.instance().getClass().getName());
            }
        }
        return new Tools(byName);
    }

    /** A tool and the words of the command line after its name. */
    record Match(Tool tool, List<String> args) {
    }

    /**
     * The tool whose name is the longest run of leading {@code words}, flags allowed between them,
     * or null. As kingpin lets a parent command's flags come before the next command word
     * ({@code promtool test --junit=F rules FILE}), flags met between a tool's name words are
     * handed to it first: {@code test --junit=F rules FILE} runs {@code test rules} with
     * {@code --junit=F FILE}. A flag without {@code =} takes the next word as its value unless
     * that word continues a tool's name ({@code test --debug rules}).
     */
    Match match(List<String> words) {
        Match plain = null;
        for (int n = words.size(); n > 0 && plain == null; n--) {
            Tool tool = byName.get(String.join(" ", words.subList(0, n)));
            if (tool != null) {
                plain = new Match(tool, words.subList(n, words.size()));
            }
        }
        Match interleaved = matchAcrossFlags(words);
        if (interleaved != null && (plain == null || interleaved.tool().name().length() > plain.tool().name().length())) {
            return interleaved;
        }
        return plain;
    }

    private Match matchAcrossFlags(List<String> words) {
        List<String> name = new ArrayList<>();
        List<String> flags = new ArrayList<>();
        Match found = null;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.startsWith("-")) {
                if (name.isEmpty()) {
                    return null;
                }
                flags.add(w);
                if (!w.contains("=") && i + 1 < words.size() && !words.get(i + 1).startsWith("-")
                        && !namePrefix(name, words.get(i + 1))) {
                    flags.add(words.get(++i));
                }
                continue;
            }
            name.add(w);
            Tool tool = byName.get(String.join(" ", name));
            if (tool != null && !flags.isEmpty()) {
                List<String> args = new ArrayList<>(flags);
                args.addAll(words.subList(i + 1, words.size()));
                found = new Match(tool, args);
            }
            if (!namePrefix(name.subList(0, name.size() - 1), w)) {
                return found;
            }
        }
        return found;
    }

    /** Whether some tool's name starts with the words {@code name} followed by {@code next}. */
    private boolean namePrefix(List<String> name, String next) {
        String prefix = name.isEmpty() ? next : String.join(" ", name) + " " + next;
        for (String n : byName.keySet()) {
            if (n.equals(prefix) || n.startsWith(prefix + " ")) {
                return true;
            }
        }
        return false;
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
            String help = tool.help() == null ? "" : tool.help().strip();
            int gap = help.indexOf("  ");
            String head = "  " + name + (gap < 0 ? "" : " " + help.substring(0, gap));
            String text = gap < 0 ? help : help.substring(gap).strip();
            // Long heads put the description on a line of its own, in the column of the others.
            lines.add(head.length() > 34 ? head + "\n" + " ".repeat(36) + text : head + " ".repeat(36 - head.length()) + text);
        });
        return lines;
    }
}

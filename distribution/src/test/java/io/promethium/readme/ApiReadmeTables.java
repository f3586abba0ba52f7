package io.promethium.readme;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two version tables of {@code api/README.md}, made from the manifests of what the server
 * ships (the distribution's runtime class path: the api jar, the library tier and the platform
 * libraries' bundles), so that they cannot go stale:
 * <ul>
 *   <li>between {@code <!-- api-table:packages -->} and {@code <!-- /api-table:packages -->}: one
 *       row for every package the api bundle exports, with the version of its
 *       {@code Export-Package}; the last column ("what a plugin does with it") is written by hand
 *       and kept, row by row, by package name;</li>
 *   <li>between {@code <!-- api-table:libraries -->} and {@code <!-- /api-table:libraries -->}:
 *       the platform libraries a plugin may import. The first column (the library) and which
 *       packages a row lists are written by hand; the version each package is exported with and
 *       the Maven artifact that exports it (what a plugin declares {@code provided}) are made
 *       from the manifests. Where two jars export a package, the higher version is the one a new
 *       import is wired to, so that one is listed.</li>
 * </ul>
 * {@link #rewrite} makes the README as it should be, {@link #differences} says, package by
 * package, where it is not. {@code distribution/dev/api-table} rewrites the file;
 * {@code ApiReadmeTablesTest} fails the build on any difference.
 */
final class ApiReadmeTables {

    static final String API_BUNDLE = "promethium-api";
    static final String PACKAGES = "api-table:packages";
    static final String LIBRARIES = "api-table:libraries";
    private static final String PACKAGES_HEADER = """
            | package | version | what a plugin does with it |
            | --- | --- | --- |
            """;
    private static final String LIBRARIES_HEADER = """
            | library | packages a plugin imports (exported version) | artifact to declare `provided` |
            | --- | --- | --- |
            """;
    private static final Pattern TICKED = Pattern.compile("`([^`]+)`(?:\\s+([0-9][0-9.]*))?");
    private static final String OURS = "io.promethium";

    private ApiReadmeTables() {
    }

    /** An OSGi version without its qualifier; shown as major.minor, with .micro when it is not 0. */
    record Version(int major, int minor, int micro) implements Comparable<Version> {
        static Version parse(String text) {
            String[] parts = text.trim().split("\\.");
            try {
                return new Version(Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 0,
                        parts.length > 2 ? Integer.parseInt(parts[2]) : 0);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an OSGi version: " + text, e);
            }
        }

        @Override
        public int compareTo(Version o) {
            return Comparator.comparingInt(Version::major).thenComparingInt(Version::minor)
                    .thenComparingInt(Version::micro).compare(this, o);
        }

        @Override
        public String toString() {
            return major + "." + minor + (micro == 0 ? "" : "." + micro);
        }
    }

    /**
     * One package exported by one class path entry: the entry's bundle symbolic name, and its Maven
     * coordinates ({@code group:artifact:version} from {@code META-INF/maven/.../pom.properties};
     * {@code io.promethium:artifact} without a version for the server's own modules, which carry
     * the server's version, and for a module's classes folder, which has no pom.properties).
     */
    record Export(String pkg, Version version, String bundle, String artifact) {
    }

    /** Every package exported by the manifests of {@code entries} (jars or classes folders). */
    static List<Export> exports(List<Path> entries) throws IOException {
        List<Export> all = new ArrayList<>();
        for (Path entry : entries) {
            Manifest manifest = null;
            Properties pom = null;
            if (Files.isDirectory(entry)) {
                Path mf = entry.resolve("META-INF/MANIFEST.MF");
                if (Files.isRegularFile(mf)) {
                    try (InputStream in = Files.newInputStream(mf)) {
                        manifest = new Manifest(in);
                    }
                }
            } else if (Files.isRegularFile(entry) && entry.toString().endsWith(".jar")) {
                try (JarFile jar = new JarFile(entry.toFile())) {
                    manifest = jar.getManifest();
                    var poms = jar.stream().filter(e -> e.getName().startsWith("META-INF/maven/")
                            && e.getName().endsWith("/pom.properties")).toList();
                    if (poms.size() == 1) {
                        pom = new Properties();
                        try (InputStream in = jar.getInputStream(poms.getFirst())) {
                            pom.load(in);
                        }
                    }
                }
            }
            if (manifest == null) {
                continue;
            }
            String exportHeader = manifest.getMainAttributes().getValue("Export-Package");
            String bsn = manifest.getMainAttributes().getValue("Bundle-SymbolicName");
            if (exportHeader == null || bsn == null) {
                continue;
            }
            bsn = bsn.split(";")[0].trim();
            String artifact;
            if (pom == null || OURS.equals(pom.getProperty("groupId"))) {
                artifact = OURS + ":" + (pom == null ? bsn : pom.getProperty("artifactId"));
            } else {
                artifact = pom.getProperty("groupId") + ":" + pom.getProperty("artifactId") + ":" + pom.getProperty("version");
            }
            for (String clause : clauses(exportHeader)) {
                List<String> packages = new ArrayList<>();
                Version version = new Version(0, 0, 0);
                for (String part : split(clause, ';')) {
                    String p = part.trim();
                    int eq = p.indexOf('=');
                    if (eq < 0) {
                        packages.add(p);
                    } else if (p.substring(0, eq).trim().equals("version")) {
                        version = Version.parse(p.substring(eq + 1).replace("\"", ""));
                    }
                }
                for (String pkg : packages) {
                    all.add(new Export(pkg, version, bsn, artifact));
                }
            }
        }
        return all;
    }

    /** The README with both tables made from {@code exports}. */
    static String rewrite(String readme, List<Export> exports) {
        String packages = renderPackages(table(readme, PACKAGES), exports);
        String libraries = renderLibraries(table(readme, LIBRARIES), exports);
        return replace(replace(readme, PACKAGES, packages), LIBRARIES, libraries);
    }

    /**
     * What differs between the README's tables and the manifests, one line a package (empty: they
     * agree), and any api package without its hand-written description.
     */
    static List<String> differences(String readme, List<Export> exports) {
        List<String> found = new ArrayList<>();
        Map<String, String[]> written = rows(table(readme, PACKAGES));
        Map<String, String[]> made = rows(renderPackages(table(readme, PACKAGES), exports));
        for (var row : made.entrySet()) {
            String[] old = written.get(row.getKey());
            if (old == null) {
                found.add(row.getKey() + ": exported by the api at " + row.getValue()[1] + ", missing from the README's table");
            } else if (!old[1].equals(row.getValue()[1])) {
                found.add(row.getKey() + ": the README says " + old[1] + ", the api exports " + row.getValue()[1]);
            }
            if (row.getValue()[2].isBlank()) {
                found.add(row.getKey() + ": no description of what a plugin does with it (the table's last column)");
            }
        }
        for (String pkg : written.keySet()) {
            if (!made.containsKey(pkg)) {
                found.add(pkg + ": in the README's table, not exported by the api");
            }
        }
        Map<String, String[]> writtenLibraries = rows(table(readme, LIBRARIES));
        Map<String, String[]> madeLibraries = rows(renderLibraries(table(readme, LIBRARIES), exports));
        for (var row : madeLibraries.entrySet()) {
            String[] old = writtenLibraries.get(row.getKey());
            Map<String, String> oldVersions = packageVersions(old[1]);
            for (var pkg : packageVersions(row.getValue()[1]).entrySet()) {
                String was = oldVersions.get(pkg.getKey());
                if (!pkg.getValue().equals(was)) {
                    found.add(pkg.getKey() + " (" + row.getKey() + "): the README says " + (was == null || was.isEmpty() ? "no version" : was)
                            + ", the server's bundles export " + pkg.getValue());
                }
            }
            if (!old[2].equals(row.getValue()[2])) {
                found.add(row.getKey() + ": the README names " + old[2] + ", the server ships " + row.getValue()[2]);
            }
        }
        return found;
    }

    private static String renderPackages(String table, List<Export> exports) {
        Map<String, String[]> written = rows(table);
        Map<String, Version> exported = new TreeMap<>();
        for (Export e : exports) {
            if (e.bundle().equals(API_BUNDLE)) {
                exported.put(e.pkg(), e.version());
            }
        }
        if (exported.isEmpty()) {
            throw new IllegalStateException("no " + API_BUNDLE + " bundle exporting packages among the class path entries");
        }
        // The README's order first (it reads from the model up), new packages after it, by name.
        List<String> order = new ArrayList<>();
        for (String pkg : written.keySet()) {
            if (exported.containsKey(pkg)) {
                order.add(pkg);
            }
        }
        for (String pkg : exported.keySet()) {
            if (!order.contains(pkg)) {
                order.add(pkg);
            }
        }
        StringBuilder out = new StringBuilder(PACKAGES_HEADER);
        for (String pkg : order) {
            String[] old = written.get(pkg);
            out.append("| `").append(pkg).append("` | ").append(exported.get(pkg)).append(" | ")
                    .append(old == null ? "" : old[2]).append(" |\n");
        }
        return out.toString();
    }

    private static String renderLibraries(String table, List<Export> exports) {
        Map<String, Export> highest = new LinkedHashMap<>();
        for (Export e : exports) {
            highest.merge(e.pkg(), e, (a, b) -> b.version().compareTo(a.version()) > 0 ? b : a);
        }
        StringBuilder out = new StringBuilder(LIBRARIES_HEADER);
        for (var row : rows(table).entrySet()) {
            List<String> packages = new ArrayList<>(packageVersions(row.getValue()[1]).keySet());
            if (packages.isEmpty()) {
                throw new IllegalStateException("the library row '" + row.getKey() + "' names no `package`");
            }
            List<String> cells = new ArrayList<>();
            List<String> artifacts = new ArrayList<>();
            for (String pkg : packages) {
                Export e = highest.get(pkg);
                if (e == null) {
                    throw new IllegalStateException(pkg + " (" + row.getKey() + "): exported by no bundle the server ships");
                }
                cells.add("`" + pkg + "` " + e.version());
                String artifact = "`" + e.artifact() + "`";
                if (!artifacts.contains(artifact)) {
                    artifacts.add(artifact);
                }
            }
            out.append("| ").append(row.getKey()).append(" | ").append(String.join(", ", cells)).append(" | ")
                    .append(String.join(", ", artifacts)).append(" |\n");
        }
        return out.toString();
    }

    /** The package names of a cell ({@code `a.b` 1.2, `c.d`}) with the version after each ("" if none). */
    static Map<String, String> packageVersions(String cell) {
        Map<String, String> found = new LinkedHashMap<>();
        Matcher m = TICKED.matcher(cell);
        while (m.find()) {
            found.put(m.group(1), m.group(2) == null ? "" : m.group(2).replaceAll("\\.$", ""));
        }
        return found;
    }

    /** A table's rows by the text of their first cell (package names without backticks): the three cells. */
    private static Map<String, String[]> rows(String table) {
        Map<String, String[]> rows = new LinkedHashMap<>();
        for (String line : table.split("\n")) {
            String l = line.trim();
            if (!l.startsWith("|") || l.startsWith("| ---")) {
                continue;
            }
            String[] cells = l.substring(1, l.endsWith("|") ? l.length() - 1 : l.length()).split("\\|", 3);
            if (cells.length < 3) {
                throw new IllegalStateException("a table row without three cells: " + l);
            }
            String key = cells[0].trim().replace("`", "");
            if (key.equals("package") || key.equals("library")) {
                continue; // the header
            }
            rows.put(key, new String[] {cells[0].trim(), cells[1].trim(), cells[2].trim()});
        }
        return rows;
    }

    private static String table(String readme, String marker) {
        int[] span = span(readme, marker);
        return readme.substring(span[0], span[1]);
    }

    private static String replace(String readme, String marker, String table) {
        int[] span = span(readme, marker);
        return readme.substring(0, span[0]) + table + readme.substring(span[1]);
    }

    /** Where the text between {@code <!-- marker -->\n} and {@code <!-- /marker -->} lies. */
    private static int[] span(String readme, String marker) {
        String begin = "<!-- " + marker + " -->\n";
        String end = "<!-- /" + marker + " -->";
        int b = readme.indexOf(begin);
        int e = readme.indexOf(end);
        if (b < 0 || e < b) {
            throw new IllegalStateException("api/README.md lacks the lines " + begin.strip() + " ... " + end);
        }
        return new int[] {b + begin.length(), e};
    }

    /** Export-Package's clauses: commas outside quotes. */
    private static List<String> clauses(String header) {
        return split(header, ',');
    }

    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == separator && !quoted) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts;
    }
}

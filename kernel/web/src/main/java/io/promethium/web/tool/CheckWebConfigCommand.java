package io.promethium.web.tool;

import io.promethium.api.tool.CommandLine;
import io.promethium.api.tool.Tool;
import io.promethium.web.internal.server.WebConfigFile;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * {@code promethium check web-config FILE...}: validates {@code --web.config.file} files as
 * {@code promtool check web-config} does: each file's verdict on standard error
 * ({@code FILE SUCCESS} or {@code FILE FAILED: reason}), exit code 1 if any failed. A file is valid
 * as the exporter-toolkit's {@code Validate} finds it: known fields of the right types, known TLS
 * versions, cipher suites, curves and client auth types, allowed headers, bcrypt hashes, and, when
 * TLS is on, a certificate and key that load as a pair, a readable client CA file, and client CAs
 * only with a client auth policy (the toolkit's messages).
 */
@Component(service = Tool.class)
public final class CheckWebConfigCommand implements Tool {

    @Override
    public String name() {
        return "check web-config";
    }

    @Override
    public String help() {
        return "FILE...  Check if the web config files are valid (as promtool check web-config).";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        List<String> files;
        try {
            files = CommandLine.reader().read(args).arguments(1, Integer.MAX_VALUE, "web-config-files");
            for (String file : files) {
                if (!Files.isRegularFile(Path.of(file))) {
                    throw new CommandLine.UsageException("path '" + file + "' does not exist");
                }
            }
        } catch (CommandLine.UsageException e) {
            err.println("promethium check web-config: error: " + e.getMessage() + ", try --help");
            return 1;
        }
        boolean failed = false;
        for (String arg : files) {
            try {
                WebConfigFile.load(Path.of(arg)).validate();
                err.println(arg + " SUCCESS");
            } catch (Exception e) {
                err.println(arg + " FAILED: " + promtoolWords(arg, e.getMessage()));
                failed = true;
            }
        }
        return failed ? 1 : 0;
    }

    private static final String YAML_ERRORS = "yaml: unmarshal errors: ";

    /**
     * The server's message as promtool prints it: without the file and position the server puts
     * first (promtool names the file once, before {@code FAILED}), and a YAML error in yaml.v2's
     * shape, {@code yaml: unmarshal errors:} then {@code line N: ...} on the next line.
     */
    static String promtoolWords(String file, String message) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(file) + "(?::(\\d+):\\d+)?: (.*)",
                java.util.regex.Pattern.DOTALL).matcher(message);
        if (!m.matches()) {
            return message;
        }
        String rest = m.group(2);
        if (m.group(1) != null && rest.startsWith(YAML_ERRORS)) {
            return "yaml: unmarshal errors:\n  line " + m.group(1) + ": " + rest.substring(YAML_ERRORS.length());
        }
        return rest;
    }
}

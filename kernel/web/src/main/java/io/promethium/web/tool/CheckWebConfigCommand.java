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
 * when the server would start with it: known fields, bcrypt hashes, and a TLS certificate and key
 * that can be read.
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
                WebConfigFile config = WebConfigFile.load(Path.of(arg));
                if (config.tls()) {
                    readable(config.certFile(), "cert_file");
                    readable(config.keyFile(), "key_file");
                }
                err.println(arg + " SUCCESS");
            } catch (Exception e) {
                err.println(arg + " FAILED: " + e.getMessage());
                failed = true;
            }
        }
        return failed ? 1 : 0;
    }

    private static void readable(Path file, String field) throws java.io.IOException {
        if (!Files.isReadable(file) || Files.isDirectory(file)) {
            throw new java.io.IOException("failed to load X509KeyPair: " + field + " " + file + " cannot be read");
        }
    }
}

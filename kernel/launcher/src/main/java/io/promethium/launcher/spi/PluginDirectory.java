package io.promethium.launcher.spi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The hot-deploy folder. Jars dropped in are installed and started, changed jars are updated,
 * removed jars are uninstalled; a jar that is not a valid bundle or does not start is kept with
 * its error. Thread-safe.
 */
@ProviderType
public interface PluginDirectory {

    Path directory();

    /** Every jar in the folder with what became of it. */
    List<PluginFile> files();

    /**
     * Writes a jar into the folder (atomically: a partial upload is never seen) and deploys it at
     * once. Replaces a jar of the same name.
     *
     * @return the jar's status after deployment
     */
    PluginFile install(String fileName, InputStream content) throws IOException;

    /** Deletes a jar from the folder and uninstalls its bundle; false when there was no such jar. */
    boolean remove(String fileName) throws IOException;

    /** Looks at the folder now instead of at the next poll. */
    void scan();
}

package io.promethium.launcher.spi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The hot-deploy folder. Jars dropped in are installed and started, changed jars are updated,
 * removed jars are uninstalled; a jar that is not a valid bundle or does not start is kept with
 * its error. An update is atomic: the running version is stopped only once the new one has
 * resolved, and is started again when the new one fails to start. With
 * {@code --plugins.trust-store} only jars signed by a trusted key are started. Thread-safe.
 */
@ProviderType
public interface PluginDirectory {

    Path directory();

    /** Every jar in the folder with what became of it. */
    List<PluginFile> files();

    /**
     * Deploys a jar and, once it runs, writes it into the folder (atomically: a partial upload is
     * never seen), replacing a jar of the same name and the bundle that came from it. A jar that
     * cannot run leaves nothing behind: the folder and the running bundles are as before.
     *
     * @return the jar's status after deployment
     * @throws PluginRefusedException when the jar was refused, saying why
     * @throws IOException when the name is not a plain {@code NAME.jar} or the content cannot be read
     */
    PluginFile install(String fileName, InputStream content) throws IOException;

    /**
     * Replaces a bundle that did not come from the folder (a core bundle) with a jar, as an update
     * of a plugin: atomically, its signature checked alike. The replacement lasts until the server
     * stops: the core bundles are those of the bundles folder at each start.
     *
     * @return the new bundle's id
     * @throws PluginRefusedException when the jar was refused, saying why; the bundle runs on
     * @throws IOException when there is no such bundle or it comes from the folder
     * @since 1.2
     */
    long replaceBundle(long bundleId, Path jar) throws IOException;

    /** Deletes a jar from the folder and uninstalls its bundle; false when there was no such jar. */
    boolean remove(String fileName) throws IOException;

    /** Looks at the folder now instead of at the next poll. */
    void scan();
}

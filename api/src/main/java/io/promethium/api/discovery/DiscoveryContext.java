package io.promethium.api.discovery;

import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/** What the kernel gives a discoverer: where relative paths resolve, and a name for its logs. */
@ProviderType
public interface DiscoveryContext {

    /** The folder of the config file; relative file names in config resolve against it. */
    Path configDirectory();

    /** The scrape job (or alertmanager set) this discoverer serves, for logs and metrics. */
    String owner();
}

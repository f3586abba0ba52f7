package io.promethium.launcher.spi;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/** Facts about the running server, for the status API. */
@ProviderType
public interface ServerInfo {

    /** Every command-line flag with its effective value, Prometheus-style names without dashes. */
    Map<String, String> flags();

    Instant startTime();

    String version();

    String revision();

    /** The installation folder. */
    Path home();
}

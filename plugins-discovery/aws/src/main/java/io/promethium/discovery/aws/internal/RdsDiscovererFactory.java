package io.promethium.discovery.aws.internal;

import io.promethium.api.discovery.DiscovererFactory;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.osgi.service.component.annotations.Component;

/** The {@code rds} discovery type: owns {@code rds_sd_configs}, the {@code rds} role of {@code aws_sd_configs} as a mechanism of its own. */
@Component(service = DiscovererFactory.class)
public final class RdsDiscovererFactory extends RoleDiscovererFactory {

    public RdsDiscovererFactory() {
        super("rds");
    }

    /** For tests: another environment and home folder (where credentials are found) and body limit. */
    RdsDiscovererFactory(UnaryOperator<String> env, Path home, long bodyLimit) {
        super("rds", env, home, bodyLimit);
    }
}

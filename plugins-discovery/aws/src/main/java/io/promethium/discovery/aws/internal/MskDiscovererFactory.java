package io.promethium.discovery.aws.internal;

import io.promethium.api.discovery.DiscovererFactory;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.osgi.service.component.annotations.Component;

/** The {@code msk} discovery type: owns {@code msk_sd_configs}, the {@code msk} role of {@code aws_sd_configs} as a mechanism of its own. */
@Component(service = DiscovererFactory.class)
public final class MskDiscovererFactory extends RoleDiscovererFactory {

    public MskDiscovererFactory() {
        super("msk");
    }

    /** For tests: another environment and home folder (where credentials are found) and body limit. */
    MskDiscovererFactory(UnaryOperator<String> env, Path home, long bodyLimit) {
        super("msk", env, home, bodyLimit);
    }
}

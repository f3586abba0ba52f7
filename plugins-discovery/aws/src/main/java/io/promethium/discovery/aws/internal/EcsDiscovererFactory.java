package io.promethium.discovery.aws.internal;

import io.promethium.api.discovery.DiscovererFactory;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.osgi.service.component.annotations.Component;

/** The {@code ecs} discovery type: owns {@code ecs_sd_configs}, the {@code ecs} role of {@code aws_sd_configs} as a mechanism of its own. */
@Component(service = DiscovererFactory.class)
public final class EcsDiscovererFactory extends RoleDiscovererFactory {

    public EcsDiscovererFactory() {
        super("ecs");
    }

    /** For tests: another environment and home folder (where credentials are found) and body limit. */
    EcsDiscovererFactory(UnaryOperator<String> env, Path home, long bodyLimit) {
        super("ecs", env, home, bodyLimit);
    }
}

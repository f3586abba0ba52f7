package io.promethium.discovery.aws.internal;

import io.promethium.api.discovery.DiscovererFactory;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.osgi.service.component.annotations.Component;

/** The {@code elasticache} discovery type: owns {@code elasticache_sd_configs}, the {@code elasticache} role of {@code aws_sd_configs} as a mechanism of its own. */
@Component(service = DiscovererFactory.class)
public final class ElasticacheDiscovererFactory extends RoleDiscovererFactory {

    public ElasticacheDiscovererFactory() {
        super("elasticache");
    }

    /** For tests: another environment and home folder (where credentials are found) and body limit. */
    ElasticacheDiscovererFactory(UnaryOperator<String> env, Path home, long bodyLimit) {
        super("elasticache", env, home, bodyLimit);
    }
}

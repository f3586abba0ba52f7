package io.promethium.web.internal.server;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The web bundle's settings, written by the launcher from the {@code --web.*} flags. */
@ObjectClassDefinition(name = "Promethium web", description = "HTTP server settings")
public @interface WebConfig {

    @AttributeDefinition(description = "host:port to listen on")
    String listenAddress() default "0.0.0.0:9090";

    @AttributeDefinition(description = "web config file with TLS and basic auth settings")
    String webConfigFile() default "";

    String externalUrl() default "";

    String enableLifecycle() default "false";

    String enableAdminApi() default "false";

    String enableRemoteWriteReceiver() default "false";

    String maxConnections() default "512";

    String readTimeout() default "5m";
}

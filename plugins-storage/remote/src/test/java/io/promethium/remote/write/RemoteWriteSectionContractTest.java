package io.promethium.remote.write;

import io.promethium.api.config.AbstractConfigSectionContractTest;
import io.promethium.api.config.ConfigSection;
import io.promethium.api.config.SectionContext;
import io.promethium.api.model.Labels;
import io.promethium.api.testing.BadValue;
import java.util.Map;

/** {@code remote_write:} validates with the one shape of every kind that owns config: field and file:line:col. */
class RemoteWriteSectionContractTest extends AbstractConfigSectionContractTest {

    @Override
    protected ConfigSection section() {
        return new RemoteWriteComponent();
    }

    @Override
    protected SectionContext context() {
        return QueueManagerTest.context(Labels.EMPTY);
    }

    @Override
    protected Map<String, Object> entry() {
        return Map.of("url", "http://127.0.0.1:9/api/v1/write", "remote_timeout", "10s",
                "queue_config", Map.of("capacity", 100, "min_backoff", "30ms", "max_backoff", "5s"));
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("queue_config.min_backoff", "0s"); // must be positive
    }
}

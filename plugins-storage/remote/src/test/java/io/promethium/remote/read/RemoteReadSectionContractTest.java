package io.promethium.remote.read;

import io.promethium.api.config.AbstractConfigSectionContractTest;
import io.promethium.api.config.ConfigSection;
import io.promethium.api.config.SectionContext;
import io.promethium.api.testing.BadValue;
import java.util.Map;

/** {@code remote_read:} validates with the one shape of every kind that owns config: field and file:line:col. */
class RemoteReadSectionContractTest extends AbstractConfigSectionContractTest {

    @Override
    protected ConfigSection section() {
        return new RemoteReadComponent();
    }

    @Override
    protected SectionContext context() {
        return RemoteReadQueryableContractTest.context();
    }

    @Override
    protected Map<String, Object> entry() {
        return Map.of("url", "http://127.0.0.1:9/api/v1/read", "read_recent", true, "required_matchers", Map.of("job", "node"));
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("remote_timeout", "-1s"); // must be greater than zero
    }
}

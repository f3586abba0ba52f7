package io.promethium.example.hello;

import io.promethium.api.collect.Collector;
import io.promethium.testkit.AbstractCollectorContractTest;

/** The test kit's collector contract: what the server's /metrics writer relies on. */
class HelloCollectorContractTest extends AbstractCollectorContractTest {

    @Override
    protected Collector collector() {
        return new HelloCollector();
    }
}

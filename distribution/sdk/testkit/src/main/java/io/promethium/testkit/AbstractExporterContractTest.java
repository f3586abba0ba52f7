package io.promethium.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.Exporter;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Exporter} passes: the {@link AbstractCollectorContractTest collector's}
 * (its page is exposition like any other) plus a name the server can serve it under
 * ({@code /exporters/<name>/metrics}).
 */
public abstract class AbstractExporterContractTest extends AbstractCollectorContractTest {

    /** The exporter under test, ready to collect. */
    protected abstract Exporter exporter() throws Exception;

    @Override
    protected final Collector collector() throws Exception {
        Exporter e = exporter();
        return e::collect;
    }

    @Test
    void theNameIsAPathSegmentOfLowerCaseLettersDigitsUnderscoresOrDashes() throws Exception {
        assertThat(exporter().name()).matches("[a-z0-9_-]+");
    }
}

package ${package};

import io.promethium.api.storage.Storage;
import io.promethium.testkit.AbstractStorageContractTest;
import java.nio.file.Path;

/**
 * The contract every storage passes, from the test kit: the Appender (floats in time order,
 * visible at commit, gone at rollback, out-of-order and duplicate refusals with the batch carrying
 * on, the stale NaN bit for bit, native histograms and exemplars as declared) and the Querier
 * (matchers, time ranges, sorted series, label names and values, seek). This test only says how to
 * open the storage; the checks are inherited.
 */
class MemoryStorageContractTest extends AbstractStorageContractTest {

    /** An in-memory storage keeps nothing in {@code dir}; one that writes files keeps them there. */
    @Override
    protected Storage openStorage(Path dir) {
        return new MemoryStorage();
    }
}

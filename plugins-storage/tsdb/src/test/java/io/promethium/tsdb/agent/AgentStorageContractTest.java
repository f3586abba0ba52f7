package io.promethium.tsdb.agent;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.storage.Storage;
import io.promethium.api.storage.WalWatchable;
import io.promethium.testkit.AbstractStorageContractTest;
import io.promethium.tsdb.WalCompression;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The kit's storage contract on the agent's WAL-only storage. It cannot be queried: what it
 * committed is read back from its WAL, as remote write reads it, and a select must fail with an
 * error. As Prometheus's agent, it keeps another value at a series' newest timestamp (it only
 * refuses older samples). Everything else of the contract holds: commit and rollback, references,
 * out-of-order refusals, staleness markers, native histograms (copied; malformed ones refused),
 * metadata, start timestamps (it declares every capability).
 */
class AgentStorageContractTest extends AbstractStorageContractTest {

    private static AgentDb.Options options(Path dir) {
        return new AgentDb.Options(dir, 1 << 20, Duration.ofHours(2), Duration.ofMinutes(5), Duration.ofHours(4), true,
                WalCompression.SNAPPY);
    }

    @Override
    protected Storage openStorage(Path dir) {
        return AgentDb.open(options(dir));
    }

    @Override
    protected WalWatchable walOnly(Storage storage) {
        return ((AgentDb) storage).walWatchable();
    }

    @Override
    protected boolean refusesDuplicateTimestamps() {
        return false;
    }

    @Test
    void aSecondOpenOfTheFolderFailsWhileTheLockIsHeldAndSucceedsOnceItIsReleased() {
        assertThatThrownBy(() -> AgentDb.open(options(dir))).hasMessageContaining("in use by another process");
        ((AgentDb) storage).close();
        AgentDb again = AgentDb.open(options(dir));
        storage = again; // closed after the check
    }
}

package io.promethium.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.storage.Storage;
import io.promethium.testkit.MemoryStorage.Break;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The storage base passes a storage that keeps the contract and fails each deliberately broken one. */
class StorageContractCatchesBrokenStoragesTest {

    @Tag(Launch.CASE)
    static class Correct extends AbstractStorageContractTest {
        @Override
        protected Storage openStorage(Path dir) {
            return new MemoryStorage();
        }
    }

    @Tag(Launch.CASE)
    static class AcceptsOutOfOrder extends AbstractStorageContractTest {
        @Override
        protected Storage openStorage(Path dir) {
            return new MemoryStorage(Break.ACCEPTS_OUT_OF_ORDER);
        }
    }

    @Tag(Launch.CASE)
    static class OverwritesDuplicates extends AbstractStorageContractTest {
        @Override
        protected Storage openStorage(Path dir) {
            return new MemoryStorage(Break.OVERWRITES_DUPLICATES);
        }
    }

    @Tag(Launch.CASE)
    static class DropsHistograms extends AbstractStorageContractTest {
        @Override
        protected Storage openStorage(Path dir) {
            return new MemoryStorage(Break.DROPS_HISTOGRAMS);
        }
    }

    /** Says it stores none, yet accepts them: a storage must refuse what it does not keep. */
    @Tag(Launch.CASE)
    static class ClaimsNoHistogramsButAcceptsThem extends AbstractStorageContractTest {
        @Override
        protected Storage openStorage(Path dir) {
            return new MemoryStorage(Break.DROPS_HISTOGRAMS);
        }

        @Override
        protected boolean storesNativeHistograms() {
            return false;
        }
    }

    @Tag(Launch.CASE)
    static class RollbackCommits extends AbstractStorageContractTest {
        @Override
        protected Storage openStorage(Path dir) {
            return new MemoryStorage(Break.ROLLBACK_COMMITS);
        }
    }

    @Tag(Launch.CASE)
    static class UnanchoredRegex extends AbstractStorageContractTest {
        @Override
        protected Storage openStorage(Path dir) {
            return new MemoryStorage(Break.UNANCHORED_REGEX);
        }
    }

    @Tag(Launch.CASE)
    static class IgnoresTimeRange extends AbstractStorageContractTest {
        @Override
        protected Storage openStorage(Path dir) {
            return new MemoryStorage(Break.IGNORES_TIME_RANGE);
        }
    }

    @Tag(Launch.CASE)
    static class LosesStaleBits extends AbstractStorageContractTest {
        @Override
        protected Storage openStorage(Path dir) {
            return new MemoryStorage(Break.LOSES_STALE_BITS);
        }
    }

    /** Selects a series made by an uncommitted (or rolled back) append, with no samples: Prometheus's head does not. */
    @Tag(Launch.CASE)
    static class ListsSeriesWithoutSamples extends AbstractStorageContractTest {
        @Override
        protected Storage openStorage(Path dir) {
            return new MemoryStorage(Break.LISTS_SERIES_WITHOUT_SAMPLES);
        }
    }

    /** Declares that it keeps start timestamps and drops them: a declaration is checked, not trusted. */
    @Tag(Launch.CASE)
    static class ClaimsStartTimestamps extends AbstractStorageContractTest {
        @Override
        protected Storage openStorage(Path dir) {
            return new MemoryStorage(Break.CLAIMS_START_TIMESTAMPS);
        }
    }

    @Tag(Launch.CASE)
    static class SharesOneIterator extends AbstractStorageContractTest {
        @Override
        protected Storage openStorage(Path dir) {
            return new MemoryStorage(Break.SHARES_ONE_ITERATOR);
        }
    }

    /** Cannot be queried: read back through its log, its select failing with an error. */
    @Tag(Launch.CASE)
    static class WalOnly extends AbstractStorageContractTest {
        @Override
        protected Storage openStorage(Path dir) {
            return new WalOnlyStorage(false);
        }

        @Override
        protected io.promethium.api.storage.WalWatchable walOnly(Storage storage) {
            return ((WalOnlyStorage) storage).wal();
        }
    }

    /** Cannot be queried, yet answers a select with no series, which passes for "no data". */
    @Tag(Launch.CASE)
    static class WalOnlyAnsweringEmpty extends WalOnly {
        @Override
        protected Storage openStorage(Path dir) {
            return new WalOnlyStorage(true);
        }
    }

    @Test
    void aStorageThatKeepsTheContractPassesEveryCheck() {
        assertThat(Launch.failed(WalOnly.class)).as("read through its log").isEmpty();
        assertThat(Launch.failed(Correct.class)).isEmpty();
    }

    @Test
    void eachBrokenStorageFailsTheCheckOfWhatItBreaks() {
        assertThat(Launch.failed(AcceptsOutOfOrder.class)).containsExactly("anOlderSampleIsRefusedAsOutOfOrderAndTheBatchCarriesOn");
        assertThat(Launch.failed(OverwritesDuplicates.class)).containsExactly("aSameTimestampWithAnotherValueIsADuplicateAndTheSameValueIsAccepted");
        assertThat(Launch.failed(DropsHistograms.class)).contains("integerNativeHistogramsAreReadBackOrRefusedAsUnsupported",
                "floatNativeHistogramsAreReadBackOrRefusedAsUnsupported", "aMalformedHistogramIsRefusedAsInvalid");
        assertThat(Launch.failed(ClaimsNoHistogramsButAcceptsThem.class)).containsExactly(
                "floatNativeHistogramsAreReadBackOrRefusedAsUnsupported", "integerNativeHistogramsAreReadBackOrRefusedAsUnsupported");
        assertThat(Launch.failed(RollbackCommits.class)).containsExactly("nothingIsVisibleBeforeCommitAndARolledBackBatchIsGone");
        assertThat(Launch.failed(UnanchoredRegex.class)).contains("theFourMatcherTypesSelectAsPrometheusDoes");
        assertThat(Launch.failed(IgnoresTimeRange.class)).containsExactly("aQuerierSeesOnlyItsTimeRange");
        assertThat(Launch.failed(LosesStaleBits.class)).containsExactly("aStalenessMarkerIsReadBackAsTheStaleNaN");
        assertThat(Launch.failed(ListsSeriesWithoutSamples.class)).containsExactly("nothingIsVisibleBeforeCommitAndARolledBackBatchIsGone");
        assertThat(Launch.failed(WalOnlyAnsweringEmpty.class)).containsExactly("aStorageThatCannotBeQueriedRefusesASelectWithAnError");
        assertThat(Launch.failed(ClaimsStartTimestamps.class)).containsExactly("declaredStartTimestampsAreReadBackWithTheirSamples");
        assertThat(Launch.failed(SharesOneIterator.class)).containsExactly("aSeriesAnswersIteratorsOfTheirOwnAlsoReadOnSeveralThreadsAtOnce");
    }
}

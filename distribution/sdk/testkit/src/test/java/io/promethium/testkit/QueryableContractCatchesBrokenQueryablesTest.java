package io.promethium.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Queryable;
import io.promethium.testkit.MemoryStorage.Break;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The queryable base passes a queryable that keeps the contract and fails each deliberately broken one. */
class QueryableContractCatchesBrokenQueryablesTest {

    static Queryable holding(Break... breaks) {
        MemoryStorage s = new MemoryStorage(breaks);
        Appender app = s.appender();
        for (int i = 0; i < 5; i++) {
            app.append(0, Labels.of("__name__", "up", "job", "api", "instance", "a"), 1000L * i, i);
            app.append(0, Labels.of("__name__", "up", "job", "api", "instance", "b"), 1000L * i, 1);
            app.append(0, Labels.of("__name__", "up", "job", "db", "instance", "ab", "env", "prod"), 1000L * i, 0);
        }
        app.commit();
        return s;
    }

    @Tag(Launch.CASE)
    static class Correct extends AbstractQueryableContractTest {
        @Override
        protected Queryable queryable() {
            return holding();
        }
    }

    @Tag(Launch.CASE)
    static class UnanchoredRegex extends AbstractQueryableContractTest {
        @Override
        protected Queryable queryable() {
            return holding(Break.UNANCHORED_REGEX);
        }
    }

    @Tag(Launch.CASE)
    static class IgnoresTimeRange extends AbstractQueryableContractTest {
        @Override
        protected Queryable queryable() {
            return holding(Break.IGNORES_TIME_RANGE);
        }
    }

    @Tag(Launch.CASE)
    static class SharesOneIterator extends AbstractQueryableContractTest {
        @Override
        protected Queryable queryable() {
            return holding(Break.SHARES_ONE_ITERATOR);
        }
    }

    @Test
    void aQueryableThatKeepsTheContractPassesEveryCheck() {
        assertThat(Launch.failed(Correct.class)).isEmpty();
    }

    @Test
    void eachBrokenQueryableFailsTheCheckOfWhatItBreaks() {
        assertThat(Launch.failed(UnanchoredRegex.class)).containsExactly("eachMatcherTypeSelectsExactlyTheSeriesItMatches");
        assertThat(Launch.failed(IgnoresTimeRange.class)).containsExactly("aQuerierRangeIsInclusiveAndExact");
        assertThat(Launch.failed(SharesOneIterator.class)).containsExactly("aSeriesAnswersIteratorsOfTheirOwnAlsoReadOnSeveralThreadsAtOnce");
    }
}

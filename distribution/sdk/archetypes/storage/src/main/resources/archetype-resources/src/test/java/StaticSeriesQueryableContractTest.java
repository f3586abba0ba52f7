package ${package};

import io.promethium.api.storage.Queryable;
import io.promethium.testkit.AbstractQueryableContractTest;

/**
 * The contract every read-only queryable passes, from the test kit: sorted series, each matcher
 * type (regexes anchored), an inclusive and exact time range, label names and values of the
 * matching series, an error for matchers that all match the empty string, seek. This test only
 * says how to build the queryable; the checks are inherited.
 */
class StaticSeriesQueryableContractTest extends AbstractQueryableContractTest {

    @Override
    protected Queryable queryable() {
        return new StaticSeriesQueryable();
    }

    /** Its samples exist at every minute of any range: the checks read ten minutes. */
    @Override
    protected long[] range() {
        return new long[] {0, 10 * StaticSeriesQueryable.STEP_MILLIS};
    }
}

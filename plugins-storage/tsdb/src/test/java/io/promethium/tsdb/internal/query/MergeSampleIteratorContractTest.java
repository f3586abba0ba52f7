package io.promethium.tsdb.internal.query;

import io.promethium.api.storage.SampleIterator;
import io.promethium.api.testing.AbstractSampleIteratorWrapperContractTest;

/** A series merged from one block with data and one without gives that block's samples whole. */
class MergeSampleIteratorContractTest extends AbstractSampleIteratorWrapperContractTest {

    @Override
    protected SampleIterator wrap(SampleIterator source) {
        return new MergeSampleIterator(new SampleIterator[] {SampleIterator.empty(), source});
    }
}

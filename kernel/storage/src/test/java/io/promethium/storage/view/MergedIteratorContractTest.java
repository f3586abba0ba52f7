package io.promethium.storage.view;

import io.promethium.api.storage.SampleIterator;
import io.promethium.api.testing.AbstractSampleIteratorWrapperContractTest;

/** The fan-out's merge of a series found in the primary only (a secondary without it) gives the primary's samples whole. */
class MergedIteratorContractTest extends AbstractSampleIteratorWrapperContractTest {

    @Override
    protected SampleIterator wrap(SampleIterator source) {
        return new FanoutStorage.MergedIterator(new SampleIterator[] {source, SampleIterator.empty()});
    }
}

package io.promethium.tsdb.internal.query;

import io.promethium.api.model.Labels;

/**
 * A series that names the object its label set is known by in every source of a merge that holds
 * it: the head's own label set. A merge takes two series with the same key object as one without
 * comparing their labels string by string, and answers the first source's labels, which for a
 * block's listing are decoded together and read faster than the head's, spread over the heap.
 */
public interface MergeKey {

    /** The key object; equal in value to the series' labels. */
    Labels mergeKey();
}

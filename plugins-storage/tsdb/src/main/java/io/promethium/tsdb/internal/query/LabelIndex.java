package io.promethium.tsdb.internal.query;

import io.promethium.api.model.Matcher;
import java.util.List;
import java.util.function.Predicate;
import org.roaringbitmap.RoaringBitmap;

/**
 * An inverted index from label pairs to series ids (head refs or block document ids). Every
 * bitmap returned is the caller's to modify.
 */
public interface LabelIndex {

    /** All series ids. */
    RoaringBitmap all();

    /** Ids of series with {@code name=value}. */
    RoaringBitmap postings(String name, String value);

    /** Union of the postings of every value of {@code name} the predicate accepts. */
    RoaringBitmap postingsWhere(String name, Predicate<String> valueMatches);

    /**
     * Ids of series whose value of {@code name} matches the regular expression of {@code regex}
     * (a {@code =~} or {@code !~} matcher; its pattern is used positively, whole value).
     */
    default RoaringBitmap postingsMatchingRegex(String name, Matcher regex) {
        return postingsWhere(name, regex::patternMatches);
    }

    /** Sorted values of a label name. */
    List<String> values(String name);

    /** Sorted label names. */
    List<String> names();
}

package io.promethium.tsdb.internal.query;

import io.promethium.api.model.Matcher;
import java.util.List;
import org.roaringbitmap.RoaringBitmap;

/**
 * Resolves matchers to series ids with Prometheus's semantics: an absent label is the empty
 * value, so a matcher that accepts "" also selects series lacking the label. Matchers that
 * reject "" are intersected first; those that accept it subtract the values they reject.
 */
public final class PostingsForMatchers {
    private PostingsForMatchers() {
    }

    /** Whether Prometheus allows this selector: at least one matcher must reject the empty string. */
    public static void check(List<Matcher> matchers) {
        for (Matcher m : matchers) {
            if (!m.matchesEmpty()) {
                return;
            }
        }
        throw new IllegalArgumentException("vector selector must contain at least one non-empty matcher: " + matchers);
    }

    public static RoaringBitmap select(LabelIndex index, List<Matcher> matchers) {
        RoaringBitmap result = null;
        for (Matcher m : matchers) {
            if (m.matchesEmpty()) {
                continue;
            }
            RoaringBitmap s = switch (m.type()) {
                case EQUAL -> index.postings(m.name(), m.value());
                case REGEX -> index.postingsMatchingRegex(m.name(), m);
                default -> index.postingsWhere(m.name(), m::matches);
            };
            result = result == null ? s : RoaringBitmap.and(result, s);
            if (result.isEmpty()) {
                return result;
            }
        }
        if (result == null) {
            result = index.all();
        }
        for (Matcher m : matchers) {
            if (!m.matchesEmpty()) {
                continue;
            }
            // Accepts "": keep everyone except series whose value of the label is rejected.
            RoaringBitmap rejected = switch (m.type()) {
                case NOT_EQUAL -> index.postings(m.name(), m.value());
                case NOT_REGEX -> index.postingsMatchingRegex(m.name(), m);
                default -> index.postingsWhere(m.name(), v -> !m.matches(v));
            };
            result.andNot(rejected);
        }
        return result;
    }
}

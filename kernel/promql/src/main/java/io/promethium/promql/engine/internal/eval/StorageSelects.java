package io.promethium.promql.engine.internal.eval;

import io.promethium.api.model.RegexTooExpensiveException;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.SeriesSet;
import io.promethium.promql.ast.VectorSelector;
import io.promethium.promql.engine.QueryException;
import io.promethium.promql.printer.PromQLPrinter;
import io.promethium.tracing.TraceSpan;
import io.promethium.tracing.Tracer;

/**
 * How the evaluator's selectors talk to the storage: the select call with the query's source
 * resolution, the storage's warnings as annotations, and storage failures as query errors (as
 * Prometheus's API maps them).
 */
final class StorageSelects {

    private StorageSelects() {
    }

    /** Selects {@code vs}'s series, the storage's warnings noted; a storage failure becomes the query's error. */
    static SeriesSet select(EvalContext ctx, Querier querier, SelectHints hints, VectorSelector vs) {
        // Prometheus's "querierSelect" span, one per select (not per series or step).
        try (TraceSpan span = ctx.tracer.start("querierSelect")) {
            if (ctx.tracer != Tracer.NONE) {
                span.attribute("selector", PromQLPrinter.toString(vs)).attribute("start", hints.start()).attribute("end", hints.end());
            }
            SeriesSet set = querier.select(false, hints.withMaxSourceResolution(ctx.maxSourceResolution), vs.matchers());
            for (String w : set.warnings()) {
                ctx.annotations.storageWarning(w);
            }
            return set;
        } catch (QueryException e) {
            throw e;
        } catch (RuntimeException e) {
            throw error(e);
        }
    }

    /** After a selection is read: its failure as the query's error, its resolution noted. */
    static void check(EvalContext ctx, SeriesSet set) {
        if (set.error() != null) {
            throw error(set.error());
        }
        ctx.noteResolution(set.resolution());
    }

    /** A storage failure as the query's error: an expensive regex is the query's fault, the rest internal. */
    static QueryException error(Throwable t) {
        RegexTooExpensiveException regex = RegexTooExpensiveException.in(t);
        if (regex != null) {
            // The query's regex, not the storage, is at fault: an execution error naming it.
            return new QueryException(QueryException.EXECUTION, regex.getMessage(), t);
        }
        return new QueryException(QueryException.INTERNAL, "error querying storage: " + t.getMessage(), t);
    }
}

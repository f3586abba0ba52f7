package io.promethium.tsdb.internal;

import io.promethium.api.storage.WalReplayProgress;
import io.promethium.tsdb.ReplayProgress;
import org.osgi.service.component.annotations.Component;

/**
 * The TSDB's WAL replay progress as the api's {@link WalReplayProgress}, for
 * {@code /api/v1/status/walreplay}. A component of its own, registered when the bundle starts:
 * the {@link TsdbComponent} replays while it activates, before its own services can be got, and
 * writes here ({@link #progress()}). In agent mode nothing writes here and it reports 0s, as
 * Prometheus's agent does.
 */
@Component(immediate = true, service = {WalReplayProgress.class, WalReplayComponent.class})
public final class WalReplayComponent implements WalReplayProgress {

    private final ReplayProgress progress = new ReplayProgress();

    /** What the TSDB's open writes its replay into. */
    public ReplayProgress progress() {
        return progress;
    }

    @Override
    public Segments segments() {
        return progress.segments();
    }
}

package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static io.promethium.tsdb.TestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.tsdb.TestSupport.Sample;
import io.promethium.tsdb.internal.block.Block;
import io.promethium.tsdb.internal.block.Downsampler;
import io.promethium.tsdb.internal.fs.FileOpener;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A downsampled companion in the data folder is opened and kept aside: raw queries, compaction and the block list never see it. */
class DownsampledBlocksInDataDirTest {
    static final long HOUR = 3_600_000L;

    @TempDir
    Path dir;

    @Test
    void downsampledCompanionIsOpenedButNeverAnsweredAsRawData() throws Exception {
        Map<Labels, List<Sample>> before;
        String rawUlid;
        try (Tsdb db = Tsdb.open(options(dir))) {
            for (long t = 0; t < 5 * HOUR; t += 60_000) {
                Appender app = db.appender();
                app.append(0, Labels.of("__name__", "up", "job", "a"), t, t / 60_000 % 7);
                app.commit();
            }
            db.compact();
            before = readAll(db);
            rawUlid = db.blocks().get(0).ulid();
        }
        Block raw = Block.open(dir.resolve(rawUlid));
        Downsampler.Result r;
        try {
            r = new Downsampler(FileOpener.DEFAULT).downsample(raw, 5 * 60_000, dir);
        } finally {
            raw.close();
        }
        assertThat(r.series()).isEqualTo(1);
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThat(db.downsampledBlocks).extracting(b -> b.meta().ulid()).containsExactly(r.meta().ulid());
            assertThat(db.blocks()).extracting(Tsdb.BlockInfo::ulid).doesNotContain(r.meta().ulid());
            assertThat(readAll(db)).isEqualTo(before);
            db.compact();
            assertThat(readAll(db)).isEqualTo(before);
            assertThat(dir.resolve(r.meta().ulid())).isDirectory();
        }
    }
}

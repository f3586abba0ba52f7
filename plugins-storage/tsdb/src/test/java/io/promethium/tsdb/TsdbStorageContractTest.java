package io.promethium.tsdb;

import io.promethium.api.storage.ExemplarQueryable;
import io.promethium.api.storage.Storage;
import io.promethium.testkit.AbstractStorageContractTest;
import java.nio.file.Path;

/** The kit's storage contract on the TSDB: its head, with the WAL on and exemplars kept. */
class TsdbStorageContractTest extends AbstractStorageContractTest {

    @Override
    protected Storage openStorage(Path dir) {
        Tsdb db = Tsdb.open(TestSupport.options(dir));
        db.setMaxExemplars(100);
        return db;
    }

    @Override
    protected ExemplarQueryable exemplars(Storage storage) {
        return ((Tsdb) storage)::selectExemplars;
    }
}

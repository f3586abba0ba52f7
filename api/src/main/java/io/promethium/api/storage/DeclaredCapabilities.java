package io.promethium.api.storage;

import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A storage that says what it keeps (since 1.15.0). Implemented by the {@link Storage} service
 * itself; the server reads it when the storage registers, logs what is and is not kept, and
 * routes by it: a kind the storage does not declare never reaches its {@link Appender}. Native
 * histograms are then refused with {@link StorageException.Reason#UNSUPPORTED} naming the
 * storage; exemplars, metadata and start timestamps are dropped by the server, which says so in
 * its log when the storage registers and again at the first one dropped. Nothing is lost without
 * notice.
 *
 * <p>A storage that does not implement this interface (one written before 1.15.0) gets every call,
 * and {@link Appender}'s defaults apply: histograms refused, exemplars, metadata and start
 * timestamps dropped without notice. The server warns about such a storage when it registers.
 *
 * <p>The kit's {@code AbstractStorageContractTest} checks that a storage keeps what it declares.
 */
@ConsumerType
public interface DeclaredCapabilities {

    /** What the storage keeps beyond float samples; fixed for the storage's lifetime. */
    Set<StorageCapability> capabilities();
}

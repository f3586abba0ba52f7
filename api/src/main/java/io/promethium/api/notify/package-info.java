/**
 * The notifier SPI: how grouped alerts leave the server. A
 * {@link io.promethium.api.notify.NotifierFactory} of type {@code T} owns the receiver key
 * {@code T_configs} in the alert routing config and builds one
 * {@link io.promethium.api.notify.Notifier} per config block.
 */
@Export
@Version("1.1.0")
package io.promethium.api.notify;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

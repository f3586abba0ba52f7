/**
 * Private keys from PEM text: {@link io.promethium.pem.PemKeys} reads PKCS #8
 * ({@code PRIVATE KEY}, and {@code ENCRYPTED PRIVATE KEY} with a passphrase), PKCS #1 RSA
 * ({@code RSA PRIVATE KEY}) and SEC 1 EC ({@code EC PRIVATE KEY}) keys, the forms Go's
 * {@code crypto/x509} reads for Prometheus's TLS and the cloud SDKs' signing keys (1.0.0).
 *
 * <p>A library bundle of its own (it depends on nothing but the JDK) because a kernel bundle
 * (TLS) and discovery plugins (GCE, OCI, STACKIT) read such keys and a plugin may import only the
 * api and library bundles.
 */
@Export
@Version("1.0.0")
package io.promethium.pem;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

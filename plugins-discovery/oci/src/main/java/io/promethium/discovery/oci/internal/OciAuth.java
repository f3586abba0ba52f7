package io.promethium.discovery.oci.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.security.PrivateKey;

/**
 * How an {@code oci_sd_configs} block signs its API requests: the key id and key of the next
 * request, the tenancy and the region whose API roots to use. Called by the refresh thread only.
 */
sealed interface OciAuth permits OciAuth.ApiKey, OciInstancePrincipal {

    /** The {@code keyId} of a request's signature and the key that signs it. */
    record Credentials(String keyId, PrivateKey key) {
    }

    /** The region whose API roots to call (as configured, or the instance's), resolved as {@link OciRegions#resolve}. */
    OciRegions.Region region() throws IOException, InterruptedException;

    /** The tenancy OCID: the root of the compartment walk and {@code __meta_oci_tenancy_id}. */
    String tenancy() throws IOException, InterruptedException;

    /** The credentials to sign the next request with, renewed first if they are about to expire. */
    Credentials credentials() throws IOException, InterruptedException;

    /** {@code auth: api_key}: the configured user's key, read at the first refresh; keyId {@code tenancy/user/fingerprint}. */
    final class ApiKey implements OciAuth {

        private final OciSdConfig config;
        private final OciRegions regions;
        private Credentials credentials;

        ApiKey(OciSdConfig config, OciRegions regions) {
            this.config = config;
            this.regions = regions;
        }

        /** The configured region; the metadata service is not consulted, as in the SDK's raw configuration provider. */
        @Override
        public OciRegions.Region region() throws IOException, InterruptedException {
            return regions.resolve(config.region(), null);
        }

        @Override
        public String tenancy() {
            return config.tenancy();
        }

        @Override
        public Credentials credentials() throws IOException {
            if (credentials == null) {
                credentials = new Credentials(config.tenancy() + "/" + config.user() + "/" + config.fingerprint(), loadKey());
            }
            return credentials;
        }

        private PrivateKey loadKey() throws IOException {
            String pem;
            try {
                pem = Files.readString(config.keyFile());
            } catch (IOException e) {
                throw new IOException("reading OCI key file \"" + config.keyFile() + "\": " + e.getMessage(), e);
            }
            String passphrase = config.keyPassphrase();
            if (config.keyPassphraseFile() != null) {
                try {
                    passphrase = Files.readString(config.keyPassphraseFile()).replaceAll("[\r\n]+$", "");
                } catch (IOException e) {
                    throw new IOException("reading OCI key passphrase file \"" + config.keyPassphraseFile() + "\": " + e.getMessage(), e);
                }
            }
            return OciKeys.privateKey(pem, passphrase);
        }
    }
}

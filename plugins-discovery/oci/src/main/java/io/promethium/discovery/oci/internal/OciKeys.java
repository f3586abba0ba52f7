package io.promethium.discovery.oci.internal;

import io.promethium.pem.PemKeys;
import java.io.IOException;
import java.security.PrivateKey;
import java.security.spec.InvalidKeySpecException;

/**
 * The API signing key of an {@code oci_sd_configs} block: an RSA key in PEM, PKCS #8
 * ({@code PRIVATE KEY}, or {@code ENCRYPTED PRIVATE KEY} with the passphrase, as OCI's console
 * and CLI make them) or PKCS #1 ({@code RSA PRIVATE KEY}, unencrypted), read by the library
 * tier's {@link PemKeys}. An OpenSSL-encrypted PKCS #1 key ({@code Proc-Type: 4,ENCRYPTED}), which
 * OCI's Go SDK also reads, is refused with a message saying how to convert it.
 */
final class OciKeys {

    private OciKeys() {
    }

    static PrivateKey privateKey(String pem, String passphrase) throws IOException {
        if (pem.contains("Proc-Type: 4,ENCRYPTED")) {
            throw new IOException("the OCI key file is an OpenSSL-encrypted PKCS #1 key, which this server cannot read: convert it "
                    + "with `openssl pkcs8 -topk8 -v2 aes256` (an encrypted PKCS #8 key) and keep key_passphrase");
        }
        try {
            return PemKeys.rsaPrivateKey(pem, passphrase == null ? null : passphrase.toCharArray());
        } catch (InvalidKeySpecException e) {
            throw new IOException("the OCI key file holds no RSA private key in PEM that can be read: " + e.getMessage(), e);
        }
    }
}

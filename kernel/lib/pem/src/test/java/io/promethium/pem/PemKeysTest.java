package io.promethium.pem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.spec.InvalidKeySpecException;
import org.junit.jupiter.api.Test;

/**
 * The fixtures are one RSA, one EC (P-256) and one Ed25519 key made by OpenSSL 3.0 in each of
 * the forms it writes ({@code openssl genrsa -traditional}, {@code openssl pkcs8 -topk8},
 * {@code openssl ecparam -genkey}, {@code openssl genpkey}); a key read from an older form must
 * equal the same key read from OpenSSL's own PKCS #8.
 */
class PemKeysTest {

    private static String pem(String name) throws IOException {
        try (InputStream in = PemKeysTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void readsPkcs8KeysOfEachAlgorithm() throws Exception {
        assertThat(PemKeys.privateKey(pem("rsa-pkcs8.pem")).getAlgorithm()).isEqualTo("RSA");
        assertThat(PemKeys.privateKey(pem("ec-pkcs8.pem")).getAlgorithm()).isEqualTo("EC");
        assertThat(PemKeys.privateKey(pem("ed25519-pkcs8.pem")).getAlgorithm()).isIn("Ed25519", "EdDSA");
    }

    @Test
    void pkcs1RsaKeyIsTheSameKeyAsItsPkcs8Form() throws Exception {
        PrivateKey pkcs1 = PemKeys.privateKey(pem("rsa-pkcs1.pem"));
        assertThat(pkcs1.getEncoded()).isEqualTo(PemKeys.privateKey(pem("rsa-pkcs8.pem")).getEncoded());
    }

    @Test
    void sec1EcKeyIsTheSameKeyAsItsPkcs8Form() throws Exception {
        PrivateKey sec1 = PemKeys.privateKey(pem("ec-sec1.pem"));
        PrivateKey pkcs8 = PemKeys.privateKey(pem("ec-pkcs8.pem"));
        assertThat(sec1.getAlgorithm()).isEqualTo("EC");
        assertThat(((java.security.interfaces.ECPrivateKey) sec1).getS()).isEqualTo(((java.security.interfaces.ECPrivateKey) pkcs8).getS());
        assertThat(((java.security.interfaces.ECPrivateKey) sec1).getParams().getCurve())
                .isEqualTo(((java.security.interfaces.ECPrivateKey) pkcs8).getParams().getCurve());
    }

    @Test
    void encryptedPkcs8KeyIsReadWithItsPassphrase() throws Exception {
        PrivateKey key = PemKeys.privateKey(pem("rsa-pkcs8-encrypted.pem"), "secret".toCharArray());
        assertThat(key.getEncoded()).isEqualTo(PemKeys.privateKey(pem("rsa-pkcs8.pem")).getEncoded());
        assertThatThrownBy(() -> PemKeys.privateKey(pem("rsa-pkcs8-encrypted.pem")))
                .isInstanceOf(InvalidKeySpecException.class).hasMessageContaining("needs a passphrase");
        assertThatThrownBy(() -> PemKeys.privateKey(pem("rsa-pkcs8-encrypted.pem"), "wrong".toCharArray()))
                .isInstanceOf(InvalidKeySpecException.class).hasMessageContaining("cannot be decrypted");
    }

    @Test
    void keyAfterACertificateInTheSameTextIsFound() throws Exception {
        String text = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" + pem("ec-sec1.pem");
        assertThat(PemKeys.privateKey(text).getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void rsaPrivateKeyRefusesAnEcKeyNamingItsAlgorithm() throws Exception {
        assertThat(PemKeys.rsaPrivateKey(pem("rsa-pkcs1.pem")).getAlgorithm()).isEqualTo("RSA");
        assertThatThrownBy(() -> PemKeys.rsaPrivateKey(pem("ec-pkcs8.pem")))
                .isInstanceOf(InvalidKeySpecException.class).hasMessage("an EC key where an RSA key is needed");
    }

    @Test
    void badTextIsRefusedSayingWhatIsWrong() throws Exception {
        assertThatThrownBy(() -> PemKeys.privateKey("not a key"))
                .isInstanceOf(InvalidKeySpecException.class).hasMessageContaining("no PEM private key found");
        assertThatThrownBy(() -> PemKeys.privateKey("-----BEGIN PRIVATE KEY-----\n@@@@\n-----END PRIVATE KEY-----"))
                .isInstanceOf(InvalidKeySpecException.class).hasMessageContaining("PRIVATE KEY block is not valid Base64");
        assertThatThrownBy(() -> PemKeys.privateKey("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"))
                .isInstanceOf(InvalidKeySpecException.class).hasMessageContaining("is not an RSA, EC, Ed25519 key");
        assertThatThrownBy(() -> PemKeys.privateKey("-----BEGIN EC PRIVATE KEY-----\nMAA=\n-----END EC PRIVATE KEY-----"))
                .isInstanceOf(InvalidKeySpecException.class).hasMessageContaining("EC PRIVATE KEY");
        assertThatThrownBy(() -> PemKeys.privateKey("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----"))
                .isInstanceOf(InvalidKeySpecException.class).hasMessageContaining("OPENSSH PRIVATE KEY block is not a key this reads");
        assertThatThrownBy(() -> PemKeys.privateKey(pem("rsa-pkcs1-openssl-encrypted.pem"), "secret".toCharArray()))
                .isInstanceOf(InvalidKeySpecException.class).hasMessageContaining("Proc-Type").hasMessageContaining("openssl pkcs8 -topk8");
    }
}

package io.promethium.discovery.oci.internal;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The API signing key of an {@code oci_sd_configs} block: an RSA key in PEM, PKCS #8
 * ({@code PRIVATE KEY}, or {@code ENCRYPTED PRIVATE KEY} with the passphrase, as OCI's console
 * and CLI make them) or PKCS #1 ({@code RSA PRIVATE KEY}, unencrypted). An OpenSSL-encrypted
 * PKCS #1 key ({@code Proc-Type: 4,ENCRYPTED}), which OCI's Go SDK also reads, is refused with a
 * message saying how to convert it.
 */
final class OciKeys {

    private OciKeys() {
    }

    static PrivateKey privateKey(String pem, String passphrase) throws IOException {
        try {
            if (pem.contains("Proc-Type: 4,ENCRYPTED")) {
                throw new IOException("the OCI key file is an OpenSSL-encrypted PKCS #1 key, which this server cannot read: convert it "
                        + "with `openssl pkcs8 -topk8 -v2 aes256` (an encrypted PKCS #8 key) and keep key_passphrase");
            }
            byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", ""));
            if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
                EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
                SecretKeyFactory factory = SecretKeyFactory.getInstance(info.getAlgName());
                Cipher cipher = Cipher.getInstance(info.getAlgName());
                cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(new PBEKeySpec(passphrase.toCharArray())), info.getAlgParameters());
                return KeyFactory.getInstance("RSA").generatePrivate(info.getKeySpec(cipher));
            }
            if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
                der = pkcs8(der);
            }
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IOException("the OCI key file holds no RSA private key in PEM that can be read: " + e.getMessage(), e);
        }
    }

    /** Wraps a PKCS #1 RSAPrivateKey in a PKCS #8 PrivateKeyInfo (version 0, rsaEncryption, the key as an OCTET STRING). */
    private static byte[] pkcs8(byte[] pkcs1) {
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
        byte[] octets = tlv(0x04, pkcs1);
        byte[] version = {0x02, 0x01, 0x00};
        byte[] content = new byte[version.length + algorithm.length + octets.length];
        System.arraycopy(version, 0, content, 0, version.length);
        System.arraycopy(algorithm, 0, content, version.length, algorithm.length);
        System.arraycopy(octets, 0, content, version.length + algorithm.length, octets.length);
        return tlv(0x30, content);
    }

    private static byte[] tlv(int tag, byte[] value) {
        int n = value.length;
        byte[] length = n < 0x80 ? new byte[] {(byte) n} : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
                : n < 0x10000 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n} : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        byte[] out = new byte[1 + length.length + n];
        out[0] = (byte) tag;
        System.arraycopy(length, 0, out, 1, length.length);
        System.arraycopy(value, 0, out, 1 + length.length, n);
        return out;
    }
}

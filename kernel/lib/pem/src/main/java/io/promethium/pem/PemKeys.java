package io.promethium.pem;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A private key from PEM text: the first {@code ... PRIVATE KEY} block, so a file that also holds
 * certificates is read as Go reads it. PKCS #8 ({@code PRIVATE KEY}; RSA, EC or Ed25519),
 * encrypted PKCS #8 ({@code ENCRYPTED PRIVATE KEY}, with a passphrase), PKCS #1
 * ({@code RSA PRIVATE KEY}) and SEC 1 ({@code EC PRIVATE KEY}, the curve named in the key).
 *
 * <p>Written on the JDK's {@link KeyFactory} rather than taken from a library: the JDK reads
 * PKCS #8 only, and no PEM reader ships on the platform (BouncyCastle's would add megabytes of
 * bundles for what is a Base64 decode and a DER wrapper of a few bytes), so the two older forms
 * are wrapped in a PKCS #8 {@code PrivateKeyInfo} here and handed to the JDK.
 *
 * <p>Errors are {@link InvalidKeySpecException}s saying what is wrong with the text (no key
 * block, which block, bad Base64, which algorithm); the caller adds where the text came from.
 */
public final class PemKeys {

    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final List<String> ALGORITHMS = List.of("RSA", "EC", "Ed25519");
    /** AlgorithmIdentifier of rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
        0x01, 0x05, 0x00};
    /** The OID id-ecPublicKey (1.2.840.10045.2.1), as a whole TLV. */
    private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

    private PemKeys() {
    }

    /** The first private key in {@code pem}; an encrypted one is refused (it needs a passphrase). */
    public static PrivateKey privateKey(String pem) throws InvalidKeySpecException {
        return privateKey(pem, null);
    }

    /** The first private key in {@code pem}, an {@code ENCRYPTED PRIVATE KEY} decrypted with {@code passphrase} (may be null). */
    public static PrivateKey privateKey(String pem, char[] passphrase) throws InvalidKeySpecException {
        Matcher block = BLOCK.matcher(pem);
        while (block.find()) {
            String type = block.group(1);
            if (!type.endsWith("PRIVATE KEY")) {
                continue;
            }
            String body = block.group(2);
            if (body.contains("Proc-Type:")) {
                throw new InvalidKeySpecException("the " + type + " is encrypted the OpenSSL way (Proc-Type header), which cannot be read:"
                        + " convert it with `openssl pkcs8 -topk8 -v2 aes256` (an encrypted PKCS #8 key)");
            }
            byte[] der;
            try {
                der = Base64.getDecoder().decode(body.replaceAll("\\s", ""));
            } catch (IllegalArgumentException e) {
                throw new InvalidKeySpecException("the " + type + " block is not valid Base64: " + e.getMessage(), e);
            }
            return switch (type) {
                case "PRIVATE KEY" -> pkcs8(der, type);
                case "ENCRYPTED PRIVATE KEY" -> pkcs8(decrypt(der, passphrase), type);
                case "RSA PRIVATE KEY" -> generate("RSA", wrap(RSA_ALGORITHM, der), type);
                case "EC PRIVATE KEY" -> generate("EC", wrap(tlv(0x30, concat(EC_PUBLIC_KEY, curve(der))), der), type);
                default -> throw new InvalidKeySpecException("a " + type + " block is not a key this reads: expected PRIVATE KEY (PKCS #8),"
                        + " RSA PRIVATE KEY (PKCS #1) or EC PRIVATE KEY (SEC 1); convert with: openssl pkcs8 -topk8 -nocrypt");
            };
        }
        throw new InvalidKeySpecException("no PEM private key found (a BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY"
                + " block)");
    }

    /** As {@link #privateKey(String)}, but the key must be an RSA key (it signs with RSA). */
    public static PrivateKey rsaPrivateKey(String pem) throws InvalidKeySpecException {
        return rsaPrivateKey(pem, null);
    }

    /** As {@link #privateKey(String, char[])}, but the key must be an RSA key (it signs with RSA). */
    public static PrivateKey rsaPrivateKey(String pem, char[] passphrase) throws InvalidKeySpecException {
        PrivateKey key = privateKey(pem, passphrase);
        if (!"RSA".equals(key.getAlgorithm())) {
            throw new InvalidKeySpecException("an " + key.getAlgorithm() + " key where an RSA key is needed");
        }
        return key;
    }

    /** A PKCS #8 PrivateKeyInfo, by the algorithms the JDK reads; the first failure says why when none does. */
    private static PrivateKey pkcs8(byte[] der, String type) throws InvalidKeySpecException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        GeneralSecurityException first = null;
        for (String algorithm : ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                first = first == null ? e : first;
            }
        }
        throw new InvalidKeySpecException("the " + type + " is not an " + String.join(", ", ALGORITHMS) + " key: " + first.getMessage(), first);
    }

    private static PrivateKey generate(String algorithm, byte[] pkcs8, String type) throws InvalidKeySpecException {
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new InvalidKeySpecException("the " + type + " is not a valid " + algorithm + " key: " + e.getMessage(), e);
        }
    }

    private static byte[] decrypt(byte[] der, char[] passphrase) throws InvalidKeySpecException {
        if (passphrase == null) {
            throw new InvalidKeySpecException("the ENCRYPTED PRIVATE KEY needs a passphrase");
        }
        try {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            SecretKeyFactory factory = SecretKeyFactory.getInstance(info.getAlgName());
            Cipher cipher = Cipher.getInstance(info.getAlgName());
            cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(new PBEKeySpec(passphrase)), info.getAlgParameters());
            return info.getKeySpec(cipher).getEncoded();
        } catch (java.io.IOException | GeneralSecurityException e) {
            throw new InvalidKeySpecException("the ENCRYPTED PRIVATE KEY cannot be decrypted (wrong passphrase?): " + e.getMessage(), e);
        }
    }

    /** The curve OID (a whole TLV) of a SEC 1 ECPrivateKey: its {@code [0] parameters}. */
    private static byte[] curve(byte[] sec1) throws InvalidKeySpecException {
        try {
            int[] key = tlvAt(sec1, 0, 0x30);
            int at = key[1];
            at = tlvAt(sec1, at, 0x02)[2]; // version
            at = tlvAt(sec1, at, 0x04)[2]; // privateKey
            while (at < key[2]) {
                int[] field = tlvAt(sec1, at, -1);
                if (field[0] == 0xa0) {
                    int[] oid = tlvAt(sec1, field[1], 0x06);
                    return Arrays.copyOfRange(sec1, field[1], oid[2]);
                }
                at = field[2];
            }
        } catch (IndexOutOfBoundsException e) {
            throw new InvalidKeySpecException("the EC PRIVATE KEY is not valid DER (cut short)", e);
        }
        throw new InvalidKeySpecException("the EC PRIVATE KEY does not name its curve (no parameters field)");
    }

    /** {tag, content start, content end} of the DER element at {@code at}; {@code tag} -1 takes any tag. */
    private static int[] tlvAt(byte[] der, int at, int tag) throws InvalidKeySpecException {
        int actual = der[at] & 0xff;
        if (tag >= 0 && actual != tag) {
            throw new InvalidKeySpecException("the EC PRIVATE KEY is not a SEC 1 ECPrivateKey (tag 0x" + Integer.toHexString(actual)
                    + " at byte " + at + ")");
        }
        int length = der[at + 1] & 0xff;
        int start = at + 2;
        if (length >= 0x80) {
            int bytes = length & 0x7f;
            if (bytes > 3) {
                throw new InvalidKeySpecException("the EC PRIVATE KEY is not valid DER (length of " + bytes + " bytes)");
            }
            length = 0;
            for (int i = 0; i < bytes; i++) {
                length = length << 8 | der[start++] & 0xff;
            }
        }
        if (start + length > der.length) {
            throw new IndexOutOfBoundsException(start + length);
        }
        return new int[] {actual, start, start + length};
    }

    /** PrivateKeyInfo: SEQUENCE { INTEGER 0, algorithm, OCTET STRING key }. */
    private static byte[] wrap(byte[] algorithm, byte[] key) {
        return tlv(0x30, concat(VERSION_0, algorithm, tlv(0x04, key)));
    }

    private static byte[] tlv(int tag, byte[] value) {
        int n = value.length;
        byte[] length = n < 0x80 ? new byte[] {(byte) n} : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
                : n < 0x10000 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n} : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        return concat(new byte[] {(byte) tag}, length, value);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] part : parts) {
            n += part.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }
}

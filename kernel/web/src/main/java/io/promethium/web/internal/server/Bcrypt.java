package io.promethium.web.internal.server;

/** What Go's {@code bcrypt.Cost} finds wrong with a hash (the toolkit's validateUsers), with its messages. */
final class Bcrypt {

    /** Go's minHashSize: "$2a$10$" and 53 characters of salt and hash, less one. */
    private static final int MIN_HASH_SIZE = 59;

    private Bcrypt() {
    }

    /** Null for a well-formed hash, else Go's error message. */
    static String problem(String hash) {
        if (hash.length() < MIN_HASH_SIZE) {
            return "crypto/bcrypt: hashedSecret too short to be a bcrypted password";
        }
        if (hash.charAt(0) != '$') {
            return "crypto/bcrypt: bcrypt hashes must start with '$', but hashedSecret started with '" + hash.charAt(0) + "'";
        }
        if (hash.charAt(1) > '2') {
            return "crypto/bcrypt: bcrypt algorithm version '" + hash.charAt(1) + "' requested is newer than current version '2'";
        }
        int at = hash.charAt(2) != '$' ? 4 : 3;
        String cost = hash.substring(at, at + 2);
        int value;
        try {
            value = Integer.parseInt(cost);
        } catch (NumberFormatException e) {
            return "strconv.Atoi: parsing \"" + cost + "\": invalid syntax";
        }
        if (value < 4 || value > 31) {
            return "crypto/bcrypt: cost " + value + " is outside allowed range (4,31)";
        }
        return null;
    }
}

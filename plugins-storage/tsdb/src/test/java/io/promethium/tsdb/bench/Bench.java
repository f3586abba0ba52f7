package io.promethium.tsdb.bench;

import java.util.List;

/** A {@code tsdb bench <name>} command: parses its own flags, then runs and prints its figures. */
interface Bench {

    /** Reads the flags after {@code bench <name>}; throws IllegalArgumentException naming a bad one. */
    void parse(List<String> args);

    void run() throws Exception;

    /** The value after {@code flag} at position {@code i}, or an error naming the flag. */
    static String value(List<String> args, int i, String flag) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args.get(i);
    }
}

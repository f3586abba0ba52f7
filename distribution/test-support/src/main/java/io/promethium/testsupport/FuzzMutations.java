package io.promethium.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The mutations the fuzz tests apply to real inputs (run by {@link FuzzRun}), and where they find
 * those inputs: the text blocks of a module's own tests. One to three edits per mutation, so most
 * mutants stay close enough to valid input to reach past the first parse error.
 */
public final class FuzzMutations {

    private static final Pattern TEXT_BLOCK = Pattern.compile("\"\"\"\\n(.*?)\"\"\"", Pattern.DOTALL);

    private FuzzMutations() {
    }

    /**
     * Character edits with significant {@code fragments} (inserted, or replacing a character) and
     * deletions; with {@code lines} (YAML) also line edits that break the structure: a repeated
     * line (duplicate keys, list items) and a moved indentation. Without {@code lines} the text up
     * to its first space is kept (an API seed's {@code METHOD path} prefix).
     */
    public static String mutateText(String seed, Random random, String[] fragments, boolean lines) {
        StringBuilder text = new StringBuilder(seed);
        int keep = lines ? 0 : seed.indexOf(' ') + 1;
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits; i++) {
            int at = keep + random.nextInt(text.length() - keep + 1);
            switch (random.nextInt(lines ? 6 : 4)) {
                case 0, 1 -> text.insert(at, fragments[random.nextInt(fragments.length)]);
                case 2 -> {
                    if (at < text.length()) {
                        text.deleteCharAt(at);
                    }
                }
                case 3 -> {
                    if (at < text.length()) {
                        text.replace(at, at + 1, fragments[random.nextInt(fragments.length)]);
                    }
                }
                case 4 -> {
                    int start = text.lastIndexOf("\n", Math.max(0, at - 1)) + 1;
                    int end = text.indexOf("\n", at);
                    end = end < 0 ? text.length() : end + 1;
                    text.insert(start, text.substring(start, end));
                }
                default -> {
                    int start = text.lastIndexOf("\n", Math.max(0, at - 1)) + 1;
                    if (random.nextBoolean()) {
                        text.insert(start, "  ");
                    } else if (text.indexOf("  ", start) == start) {
                        text.delete(start, start + 2);
                    }
                }
            }
        }
        return text.toString();
    }

    /**
     * Byte edits: a byte replaced, inserted or deleted, or the body cut short. New bytes come from
     * {@code alphabet} (a text format's significant characters), or are random when it is null.
     */
    public static byte[] mutateBytes(byte[] seed, Random random, byte[] alphabet) {
        byte[] body = seed.clone();
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits && body.length > 0; i++) {
            int at = random.nextInt(body.length);
            byte b = alphabet != null ? alphabet[random.nextInt(alphabet.length)] : (byte) random.nextInt();
            switch (random.nextInt(4)) {
                case 0 -> body[at] = b;
                case 1 -> {
                    byte[] longer = new byte[body.length + 1];
                    System.arraycopy(body, 0, longer, 0, at);
                    longer[at] = b;
                    System.arraycopy(body, at, longer, at + 1, body.length - at);
                    body = longer;
                }
                case 2 -> {
                    byte[] shorter = new byte[body.length - 1];
                    System.arraycopy(body, 0, shorter, 0, at);
                    System.arraycopy(body, at + 1, shorter, at, body.length - at - 1);
                    body = shorter;
                }
                default -> body = Arrays.copyOf(body, at);
            }
        }
        return body;
    }

    /**
     * The text blocks containing {@code marker} in the test sources under {@code dir}, indentation
     * removed and escapes translated; blocks containing any of {@code excluded} (format strings:
     * {@code %s}, {@code %d}) are left out.
     */
    public static List<String> textBlocks(Path dir, String marker, String... excluded) {
        List<String> blocks = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                Matcher m = TEXT_BLOCK.matcher(Files.readString(file));
                while (m.find()) {
                    String block = m.group(1).stripIndent().translateEscapes();
                    if (block.contains(marker) && Arrays.stream(excluded).noneMatch(block::contains)) {
                        blocks.add(block);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return blocks;
    }
}

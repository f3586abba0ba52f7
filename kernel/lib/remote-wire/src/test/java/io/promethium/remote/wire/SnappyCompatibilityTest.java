package io.promethium.remote.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Holds {@link Snappy} against an independent implementation of the block format, aircompressor's
 * pure-Java snappy, in both directions; against the documented elements of the format, written
 * out by hand (every literal length form, and copies with 1-, 2- and 4-byte offsets); and against
 * what Go's encoder wrote in a real Prometheus's remote write body.
 */
class SnappyCompatibilityTest {

    private static final HexFormat HEX = HexFormat.of();

    /** Inputs that reach every literal length form, short and long matches, near and far offsets. */
    private static List<byte[]> inputs() {
        Random random = new Random(20_261_122);
        List<byte[]> inputs = new ArrayList<>();
        for (int size : new int[] {0, 1, 4, 15, 16, 17, 60, 61, 62, 255, 256, 257, 65_535, 65_536, 65_537, 300_000}) {
            byte[] noise = new byte[size];
            random.nextBytes(noise);
            inputs.add(noise);
            byte[] mixed = new byte[size];
            for (int i = 0; i < size; i++) {
                mixed[i] = (byte) (random.nextInt(5) == 0 ? random.nextInt() : "metric_name{job=\"x\"} ".charAt(i % 21));
            }
            inputs.add(mixed);
        }
        byte[] run = new byte[10_000];
        Arrays.fill(run, (byte) 'a');
        inputs.add(run);
        // A block repeated after 3,000 and after 70,000 bytes: copies with 2-byte offsets, and
        // matches farther back than a 2-byte offset reaches.
        byte[] block = new byte[3_000];
        random.nextBytes(block);
        byte[] far = new byte[150_000];
        random.nextBytes(far);
        System.arraycopy(block, 0, far, 0, block.length);
        System.arraycopy(block, 0, far, 3_000, block.length);
        System.arraycopy(block, 0, far, 73_000, block.length);
        inputs.add(far);
        inputs.add("up{job=\"prometheus\", instance=\"localhost:9090\"} 1\n".repeat(2_000).getBytes(StandardCharsets.UTF_8));
        return inputs;
    }

    @Test
    void whatOurEncoderWritesAircompressorDecodes() {
        for (byte[] input : inputs()) {
            byte[] ours = Snappy.encode(input, input.length);
            assertThat(ReferenceSnappy.decode(ours)).as("%d bytes", input.length).isEqualTo(input);
        }
    }

    @Test
    void whatAircompressorWritesOurDecoderDecodes() throws Exception {
        for (byte[] input : inputs()) {
            byte[] theirs = ReferenceSnappy.encode(input);
            assertThat(Snappy.decode(theirs, theirs.length, Long.MAX_VALUE)).as("%d bytes", input.length).isEqualTo(input);
        }
    }

    /** A stream of the documented elements, and what it decodes to, spelled out by hand. */
    private record Element(String name, String hex, byte[] expected) {
    }

    private static List<Element> documentedElements() {
        byte[] abcd = "abcd".getBytes(StandardCharsets.US_ASCII);
        byte[] seventy = new byte[70];
        for (int i = 0; i < seventy.length; i++) {
            seventy[i] = (byte) ('0' + i % 10);
        }
        String seventyHex = HEX.formatHex(seventy);
        List<Element> elements = new ArrayList<>();
        // Literal, length - 1 in the tag's upper 6 bits (tag 0x0c: length 4).
        elements.add(new Element("literal, length in the tag", "04" + "0c" + HEX.formatHex(abcd), abcd));
        // Literal, length - 1 in 1, 2, 3 and 4 following bytes (tags 60..63 << 2).
        elements.add(new Element("literal, 1-byte length", "46" + "f0" + "45" + seventyHex, seventy));
        elements.add(new Element("literal, 2-byte length", "46" + "f4" + "4500" + seventyHex, seventy));
        elements.add(new Element("literal, 3-byte length", "46" + "f8" + "450000" + seventyHex, seventy));
        elements.add(new Element("literal, 4-byte length", "46" + "fc" + "45000000" + seventyHex, seventy));
        // Copy with a 1-byte offset: tag bits 01, length - 4 in bits 2-4, offset bits 8-10 in bits 5-7.
        // "abcd" then copy length 8 offset 4: "abcdabcdabcd".
        elements.add(new Element("copy, 1-byte offset", "0c" + "0c" + HEX.formatHex(abcd) + "11" + "04",
                "abcdabcdabcd".getBytes(StandardCharsets.US_ASCII)));
        // Copy with a 1-byte offset whose offset needs the tag's 3 high bits: offset 0x104 = 260.
        byte[] longLiteral = Arrays.copyOf(seventy, 260);
        for (int i = 70; i < 260; i++) {
            longLiteral[i] = (byte) ('A' + i % 26);
        }
        byte[] copied = Arrays.copyOf(longLiteral, 265);
        System.arraycopy(longLiteral, 0, copied, 260, 5);
        elements.add(new Element("copy, 1-byte offset with high bits", "8902" + "f4" + "0301" + HEX.formatHex(longLiteral) + "25" + "04",
                copied));
        // Copy with a 2-byte little-endian offset: tag bits 10, length - 1 in bits 2-7.
        elements.add(new Element("copy, 2-byte offset", "08" + "0c" + HEX.formatHex(abcd) + "0e" + "0400",
                "abcdabcd".getBytes(StandardCharsets.US_ASCII)));
        // Copy with a 4-byte little-endian offset: tag bits 11.
        elements.add(new Element("copy, 4-byte offset", "08" + "0c" + HEX.formatHex(abcd) + "0f" + "04000000",
                "abcdabcd".getBytes(StandardCharsets.US_ASCII)));
        // Overlapping copy (offset 1, length 64): a run, as encoders write for repeated bytes.
        byte[] run = new byte[65];
        Arrays.fill(run, (byte) 'z');
        elements.add(new Element("overlapping copy", "41" + "00" + "7a" + "fe" + "0100", run));
        return elements;
    }

    @Test
    void documentedElementsDecodeAsSpecifiedByBothDecoders() throws Exception {
        for (Element e : documentedElements()) {
            byte[] stream = HEX.parseHex(e.hex());
            assertThat(Snappy.decode(stream, stream.length, 1 << 20)).as("ours: %s", e.name()).isEqualTo(e.expected());
            assertThat(ReferenceSnappy.decode(stream)).as("aircompressor: %s", e.name()).isEqualTo(e.expected());
        }
    }

    @Test
    void aRealPrometheusBodyDecodesTheSameWithBothDecoders() throws Exception {
        byte[] body = fixture("prometheus-2.42-write-request.snappy");
        byte[] ours = Snappy.decode(body, body.length, 1 << 24);
        assertThat(ours).hasSize((int) Snappy.decodedLength(body, body.length)).isEqualTo(ReferenceSnappy.decode(body));
        assertThat(ours).hasSize(53_215);
        // Re-encoded by us, it still decodes to the same bytes with the other decoder.
        assertThat(ReferenceSnappy.decode(Snappy.encode(ours, ours.length))).isEqualTo(ours);
    }

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = SnappyCompatibilityTest.class.getResourceAsStream("/remote/" + name)) {
            assertThat(in).as("test resource /remote/%s", name).isNotNull();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }
}

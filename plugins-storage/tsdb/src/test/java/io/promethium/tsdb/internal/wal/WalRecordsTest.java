package io.promethium.tsdb.internal.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.MetricType;
import io.promethium.api.model.StaleMarker;
import io.promethium.tsdb.internal.util.FormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The samples record layouts: what new WALs write (columns) and what old WALs hold (interleaved). */
class WalRecordsTest {
    private record Sample(long ref, long t, long bits) {
    }

    private static List<Sample> decode(WalRecords.Encoder enc) {
        List<Sample> out = new ArrayList<>();
        decode(enc, new Visitor() {
            @Override
            public void sample(long ref, long t, double v) {
                out.add(new Sample(ref, t, Double.doubleToRawLongBits(v)));
            }
        });
        return out;
    }

    /** A visitor that ignores what a test does not look at. */
    private abstract static class Visitor implements WalRecords.Visitor {
        @Override
        public void series(long ref, Labels labels) {
        }

        @Override
        public void sample(long ref, long t, double v) {
        }

        @Override
        public void tombstone(long ref, long mint, long maxt) {
        }
    }

    /** Decodes the one record {@code enc} holds. */
    private static void decode(WalRecords.Encoder enc, WalRecords.Visitor visitor) {
        byte[] a = enc.bytes().array();
        int length = ((a[1] & 0xff) << 24) | ((a[2] & 0xff) << 16) | ((a[3] & 0xff) << 8) | (a[4] & 0xff);
        WalRecords.decode(a[0], a, WalRecords.HEADER, length, visitor);
    }

    @Test
    void metadataRecordsKeepTheFamilyNameAndOldOnesWithoutItStillRead() {
        WalRecords.Encoder enc = new WalRecords.Encoder();
        enc.begin(WalRecords.METADATA_FAMILY);
        enc.metadataEntry(7, new Metadata(MetricType.COUNTER, "Jobs done.", "", "jobs_done"));
        enc.metadataEntry(8, new Metadata(MetricType.GAUGE, "Load.", "ratio"));
        enc.end();
        // What a WAL from before the family holds: type 6, no family string.
        WalRecords.Encoder old = new WalRecords.Encoder();
        old.begin(WalRecords.METADATA);
        old.bytes().writeUvarint(9);
        old.bytes().writeByte(MetricType.COUNTER.ordinal());
        old.bytes().writeString("");
        old.bytes().writeString("Requests.");
        old.end();
        List<String> seen = new ArrayList<>();
        for (WalRecords.Encoder e : List.of(enc, old)) {
            decode(e, new Visitor() {
                @Override
                public void metadata(long ref, Metadata m) {
                    seen.add(ref + " " + m);
                }
            });
        }
        assertThat(seen).containsExactly("7 " + new Metadata(MetricType.COUNTER, "Jobs done.", "", "jobs_done"),
                "8 " + new Metadata(MetricType.GAUGE, "Load.", "ratio"), "9 " + new Metadata(MetricType.COUNTER, "Requests.", ""));
    }

    @Test
    void columnRecordsGiveBackEverySampleWithItsExactBitsInOrder() {
        SplittableRandom random = new SplittableRandom(7);
        for (int n : new int[] {0, 1, 2, 7, 1000}) {
            long[] refs = new long[n];
            long[] ts = new long[n];
            double[] vs = new double[n];
            List<Sample> expected = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                // Refs and times in any order (a batch may repeat and go back), values of every kind.
                refs[i] = 1 + random.nextLong(1L << 31);
                ts[i] = random.nextBoolean() ? 1_700_000_000_000L : random.nextLong();
                vs[i] = switch (i % 5) {
                    case 0 -> StaleMarker.STALE_NAN;
                    case 1 -> -0.0;
                    case 2 -> Double.longBitsToDouble(random.nextLong());
                    case 3 -> i;
                    default -> random.nextDouble();
                };
                expected.add(new Sample(refs[i], ts[i], Double.doubleToRawLongBits(vs[i])));
            }
            WalRecords.Encoder enc = new WalRecords.Encoder();
            enc.samples(refs, ts, vs, n);
            assertThat(enc.bytes().array()[0]).isEqualTo(WalRecords.SAMPLE_COLUMNS);
            assertThat(decode(enc)).as("%d samples", n).isEqualTo(expected);
        }
    }

    @Test
    void interleavedRecordsOfOldWalsStillDecode() {
        WalRecords.Encoder enc = new WalRecords.Encoder();
        enc.samplesInterleaved(new long[] {5, 3, 9}, new long[] {100, 90, 100}, new double[] {1.5, StaleMarker.STALE_NAN, -2}, 3);
        assertThat(enc.bytes().array()[0]).isEqualTo(WalRecords.SAMPLES);
        assertThat(decode(enc)).containsExactly(new Sample(5, 100, Double.doubleToRawLongBits(1.5)),
                new Sample(3, 90, StaleMarker.STALE_NAN_BITS), new Sample(9, 100, Double.doubleToRawLongBits(-2.0)));
    }

    @Test
    void columnsThatDoNotFillTheirRecordAreAFormatError() {
        WalRecords.Encoder enc = new WalRecords.Encoder();
        enc.samples(new long[] {1, 2, 3}, new long[] {10, 10, 10}, new double[] {1, 2, 3}, 3);
        byte[] a = enc.bytes().array();
        int length = enc.bytes().length() - WalRecords.HEADER;
        // Claim one sample more than the planes hold, and one byte less than the record has.
        byte[] more = a.clone();
        more[WalRecords.HEADER] = 4;
        assertThatThrownBy(() -> WalRecords.decode(WalRecords.SAMPLE_COLUMNS, more, WalRecords.HEADER, length, sink()))
                .isInstanceOf(FormatException.class);
        assertThatThrownBy(() -> WalRecords.decode(WalRecords.SAMPLE_COLUMNS, a, WalRecords.HEADER, length - 1, sink()))
                .isInstanceOf(FormatException.class);
    }

    private static WalRecords.Visitor sink() {
        return new Visitor() {
        };
    }

    @Test
    void seriesEntriesAreSkippedUndecodedOrCopiedByteForByteAndTheCopiesDecodeAsTheOriginals() {
        WalRecords.Encoder enc = new WalRecords.Encoder();
        enc.begin(WalRecords.SERIES);
        enc.seriesEntry(1, Labels.of("__name__", "up", "pod", "a"));
        enc.seriesEntry(300, Labels.of("__name__", "température", "pod", "b-é"));
        enc.seriesEntry(70_000, Labels.of("__name__", "up", "pod", "c"));
        enc.end();
        WalRecords.Encoder copy = new WalRecords.Encoder();
        copy.begin(WalRecords.SERIES);
        List<Long> asked = new ArrayList<>();
        decode(enc, new CopyingVisitor() {
            @Override
            public boolean wantsSeries(long ref) {
                asked.add(ref);
                return ref != 1;
            }

            @Override
            public void seriesEntry(long ref, byte[] buf, int from, int to) {
                copy.bytes().writeBytes(buf, from, to - from);
            }
        });
        copy.end();
        assertThat(asked).containsExactly(1L, 300L, 70_000L);
        List<String> seen = new ArrayList<>();
        decode(copy, new Visitor() {
            @Override
            public void series(long ref, Labels labels) {
                seen.add(ref + " " + labels);
            }
        });
        assertThat(seen).containsExactly("300 " + Labels.of("__name__", "température", "pod", "b-é"),
                "70000 " + Labels.of("__name__", "up", "pod", "c"));
    }

    /** A copier that sees nothing else. */
    private abstract static class CopyingVisitor extends Visitor implements WalRecords.SeriesEntryCopier {
        @Override
        public void series(long ref, Labels labels) {
            throw new AssertionError("a copier's series entries are not decoded");
        }
    }
}

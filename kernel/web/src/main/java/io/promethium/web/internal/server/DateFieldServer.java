package io.promethium.web.internal.server;

import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.ThreadPool;

/**
 * Jetty's server with a cheaper {@code Date} header. Jetty spells a new one each second through
 * a {@code GregorianCalendar} and pre-encodes it for HTTP/2's Huffman coding too; called once a
 * second, that code never leaves the interpreter, and it was the one interpreted code of a small
 * query's request: about 25 µs of the first request in a new second, which a dashboard's request
 * after a pause always is (perf, one host's hour of disk io time, each request after 300 ms of
 * quiet: 0.84 ms of the request thread's CPU). Here the header is spelled with integer arithmetic
 * (a few µs interpreted), as Go's {@code http.TimeFormat}: {@code Mon, 02 Jan 2006 15:04:05 GMT}.
 */
final class DateFieldServer extends Server {

    private static final byte[] DAYS = "ThuFriSatSunMonTueWed".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec".getBytes(StandardCharsets.US_ASCII);

    /** The header of one second. */
    private record DateField(long second, HttpField field) {
    }

    private volatile DateField date;

    DateFieldServer(ThreadPool pool, ByteBufferPool buffers) {
        super(pool, null, buffers);
    }

    @Override
    public HttpField getDateField() {
        long second = Math.floorDiv(System.currentTimeMillis(), 1000L);
        DateField d = date;
        if (d == null || d.second() != second) {
            d = new DateField(second, new HttpField(HttpHeader.DATE, format(second)));
            date = d;
        }
        return d.field();
    }

    /** {@code epochSecond} as an HTTP date (RFC 9110's IMF-fixdate), in the proleptic Gregorian calendar for years 0-9999. */
    static String format(long epochSecond) {
        long days = Math.floorDiv(epochSecond, 86_400L);
        int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
        // Days to a civil date, counting 400-year eras from 0000-03-01 (H. Hinnant's days_from_civil inverse).
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        int dayOfEra = (int) (z - era * 146_097);
        int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        int mp = (5 * dayOfYear + 2) / 153;
        int day = dayOfYear - (153 * mp + 2) / 5 + 1;
        int month = mp < 10 ? mp + 3 : mp - 9;
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 0 || year > 9999) {
            throw new IllegalArgumentException("year " + year + " out of an HTTP date's range");
        }
        byte[] b = new byte[29];
        int weekday = (int) Math.floorMod(days, 7L);
        System.arraycopy(DAYS, 3 * weekday, b, 0, 3);
        b[3] = ',';
        b[4] = ' ';
        two(b, 5, day);
        b[7] = ' ';
        System.arraycopy(MONTHS, 3 * (month - 1), b, 8, 3);
        b[11] = ' ';
        two(b, 12, (int) year / 100);
        two(b, 14, (int) year % 100);
        b[16] = ' ';
        two(b, 17, secondOfDay / 3600);
        b[19] = ':';
        two(b, 20, secondOfDay / 60 % 60);
        b[22] = ':';
        two(b, 23, secondOfDay % 60);
        b[25] = ' ';
        b[26] = 'G';
        b[27] = 'M';
        b[28] = 'T';
        return new String(b, StandardCharsets.US_ASCII);
    }

    private static void two(byte[] b, int at, int v) {
        b[at] = (byte) ('0' + v / 10);
        b[at + 1] = (byte) ('0' + v % 10);
    }
}

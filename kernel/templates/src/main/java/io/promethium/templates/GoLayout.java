package io.promethium.templates;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * Go's time layouts ({@code time/format.go}): the reference-time elements of a layout found as
 * Go's {@code nextStdChunk} finds them, {@code Time.Format} and {@code time.ParseInLocation}
 * with its errors ({@code parsing time "x" as "2006-01-02": cannot parse "x" as "2006"}).
 * Written here: Java's formatters take other patterns and other rules (Go's layouts are
 * examples of one reference time; {@code Jan} is a month only when no lower-case letter
 * follows, a fractional second may follow the seconds without being in the layout, ...).
 * Layouts and values are handled as Go handles them, byte by byte.
 */
final class GoLayout {

    private GoLayout() {
    }

    // Go's std codes; the bits above 16 carry a fractional second's digits and separator.
    static final int LONG_MONTH = 1;
    static final int MONTH = 2;
    static final int NUM_MONTH = 3;
    static final int ZERO_MONTH = 4;
    static final int LONG_WEEKDAY = 5;
    static final int WEEKDAY = 6;
    static final int DAY = 7;
    static final int UNDER_DAY = 8;
    static final int ZERO_DAY = 9;
    static final int UNDER_YEAR_DAY = 10;
    static final int ZERO_YEAR_DAY = 11;
    static final int HOUR = 12;
    static final int HOUR12 = 13;
    static final int ZERO_HOUR12 = 14;
    static final int MINUTE = 15;
    static final int ZERO_MINUTE = 16;
    static final int SECOND = 17;
    static final int ZERO_SECOND = 18;
    static final int LONG_YEAR = 19;
    static final int YEAR = 20;
    static final int PM_UPPER = 21;
    static final int PM_LOWER = 22;
    static final int TZ = 23;
    static final int ISO8601_TZ = 24;
    static final int ISO8601_SECONDS_TZ = 25;
    static final int ISO8601_SHORT_TZ = 26;
    static final int ISO8601_COLON_TZ = 27;
    static final int ISO8601_COLON_SECONDS_TZ = 28;
    static final int NUM_TZ = 29;
    static final int NUM_SECONDS_TZ = 30;
    static final int NUM_SHORT_TZ = 31;
    static final int NUM_COLON_TZ = 32;
    static final int NUM_COLON_SECONDS_TZ = 33;
    static final int FRAC_SECOND0 = 34;
    static final int FRAC_SECOND9 = 35;

    private static final int MASK = 0xffff;
    private static final int ARG_SHIFT = 16;
    private static final int COMMA = 1 << 28;

    private static final int[] STD_0X = {ZERO_MONTH, ZERO_DAY, ZERO_HOUR12, ZERO_MINUTE, ZERO_SECOND, YEAR};

    private static final String[] LONG_DAYS = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
    private static final String[] SHORT_DAYS = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    private static final String[] SHORT_MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    private static final String[] LONG_MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December"};

    /** One step through a layout: literal text {@code [from, start)}, then the element {@code std} up to {@code end}. */
    record Chunk(int start, int std, int end) {
    }

    /** Go's nextStdChunk from {@code from}: {@code std == 0} when only literal text is left. */
    static Chunk next(String layout, int from) {
        int n = layout.length();
        for (int i = from; i < n; i++) {
            char c = layout.charAt(i);
            switch (c) {
                case 'J' -> {
                    if (layout.startsWith("Jan", i)) {
                        if (layout.startsWith("January", i)) {
                            return new Chunk(i, LONG_MONTH, i + 7);
                        }
                        if (!startsWithLowerCase(layout, i + 3)) {
                            return new Chunk(i, MONTH, i + 3);
                        }
                    }
                }
                case 'M' -> {
                    if (layout.startsWith("Mon", i)) {
                        if (layout.startsWith("Monday", i)) {
                            return new Chunk(i, LONG_WEEKDAY, i + 6);
                        }
                        if (!startsWithLowerCase(layout, i + 3)) {
                            return new Chunk(i, WEEKDAY, i + 3);
                        }
                    }
                    if (layout.startsWith("MST", i)) {
                        return new Chunk(i, TZ, i + 3);
                    }
                }
                case '0' -> {
                    if (i + 1 < n && layout.charAt(i + 1) >= '1' && layout.charAt(i + 1) <= '6') {
                        return new Chunk(i, STD_0X[layout.charAt(i + 1) - '1'], i + 2);
                    }
                    if (layout.startsWith("002", i)) {
                        return new Chunk(i, ZERO_YEAR_DAY, i + 3);
                    }
                }
                case '1' -> {
                    if (i + 1 < n && layout.charAt(i + 1) == '5') {
                        return new Chunk(i, HOUR, i + 2);
                    }
                    return new Chunk(i, NUM_MONTH, i + 1);
                }
                case '2' -> {
                    if (layout.startsWith("2006", i)) {
                        return new Chunk(i, LONG_YEAR, i + 4);
                    }
                    return new Chunk(i, DAY, i + 1);
                }
                case '_' -> {
                    if (i + 1 < n && layout.charAt(i + 1) == '2') {
                        // "_2006" is a literal underscore and the long year.
                        if (layout.startsWith("2006", i + 1)) {
                            return new Chunk(i + 1, LONG_YEAR, i + 5);
                        }
                        return new Chunk(i, UNDER_DAY, i + 2);
                    }
                    if (layout.startsWith("__2", i)) {
                        return new Chunk(i, UNDER_YEAR_DAY, i + 3);
                    }
                }
                case '3' -> {
                    return new Chunk(i, HOUR12, i + 1);
                }
                case '4' -> {
                    return new Chunk(i, MINUTE, i + 1);
                }
                case '5' -> {
                    return new Chunk(i, SECOND, i + 1);
                }
                case 'P' -> {
                    if (i + 1 < n && layout.charAt(i + 1) == 'M') {
                        return new Chunk(i, PM_UPPER, i + 2);
                    }
                }
                case 'p' -> {
                    if (i + 1 < n && layout.charAt(i + 1) == 'm') {
                        return new Chunk(i, PM_LOWER, i + 2);
                    }
                }
                case '-' -> {
                    if (layout.startsWith("-070000", i)) {
                        return new Chunk(i, NUM_SECONDS_TZ, i + 7);
                    }
                    if (layout.startsWith("-07:00:00", i)) {
                        return new Chunk(i, NUM_COLON_SECONDS_TZ, i + 9);
                    }
                    if (layout.startsWith("-0700", i)) {
                        return new Chunk(i, NUM_TZ, i + 5);
                    }
                    if (layout.startsWith("-07:00", i)) {
                        return new Chunk(i, NUM_COLON_TZ, i + 6);
                    }
                    if (layout.startsWith("-07", i)) {
                        return new Chunk(i, NUM_SHORT_TZ, i + 3);
                    }
                }
                case 'Z' -> {
                    if (layout.startsWith("Z070000", i)) {
                        return new Chunk(i, ISO8601_SECONDS_TZ, i + 7);
                    }
                    if (layout.startsWith("Z07:00:00", i)) {
                        return new Chunk(i, ISO8601_COLON_SECONDS_TZ, i + 9);
                    }
                    if (layout.startsWith("Z0700", i)) {
                        return new Chunk(i, ISO8601_TZ, i + 5);
                    }
                    if (layout.startsWith("Z07:00", i)) {
                        return new Chunk(i, ISO8601_COLON_TZ, i + 6);
                    }
                    if (layout.startsWith("Z07", i)) {
                        return new Chunk(i, ISO8601_SHORT_TZ, i + 3);
                    }
                }
                case '.', ',' -> {
                    if (i + 1 < n && (layout.charAt(i + 1) == '0' || layout.charAt(i + 1) == '9')) {
                        char ch = layout.charAt(i + 1);
                        int j = i + 1;
                        while (j < n && layout.charAt(j) == ch) {
                            j++;
                        }
                        // Only a fractional second is all digits: a digit after the run makes it literal text.
                        if (!isDigit(layout, j)) {
                            int code = ch == '9' ? FRAC_SECOND9 : FRAC_SECOND0;
                            int std = code | (((j - (i + 1)) & 0xfff) << ARG_SHIFT) | (c == ',' ? COMMA : 0);
                            return new Chunk(i, std, j);
                        }
                    }
                }
                default -> {
                }
            }
        }
        return new Chunk(n, 0, n);
    }

    private static boolean startsWithLowerCase(String s, int i) {
        return i < s.length() && s.charAt(i) >= 'a' && s.charAt(i) <= 'z';
    }

    private static boolean isDigit(String s, int i) {
        return i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9';
    }

    private static int digits(int std) {
        return (std >> ARG_SHIFT) & 0xfff;
    }

    private static char separator(int std) {
        return (std & COMMA) == 0 ? '.' : ',';
    }

    // ---------------------------------------------------------------------------------------
    // Format

    /** Go's {@code Time.Format}: {@code zoneName} is the zone's abbreviation, "" for a zone without one. */
    static String format(ZonedDateTime t, String zoneName, String layout) {
        StringBuilder b = new StringBuilder(layout.length() + 10);
        int offset = t.getOffset().getTotalSeconds();
        int pos = 0;
        while (pos < layout.length()) {
            Chunk c = next(layout, pos);
            b.append(layout, pos, c.start());
            if (c.std() == 0) {
                break;
            }
            pos = c.end();
            int std = c.std();
            switch (std & MASK) {
                case YEAR -> appendInt(b, Math.abs(t.getYear()) % 100, 2);
                case LONG_YEAR -> appendInt(b, t.getYear(), 4);
                case MONTH -> b.append(LONG_MONTHS[t.getMonthValue() - 1], 0, 3);
                case LONG_MONTH -> b.append(LONG_MONTHS[t.getMonthValue() - 1]);
                case NUM_MONTH -> appendInt(b, t.getMonthValue(), 0);
                case ZERO_MONTH -> appendInt(b, t.getMonthValue(), 2);
                case WEEKDAY -> b.append(LONG_DAYS[t.getDayOfWeek().getValue() % 7], 0, 3);
                case LONG_WEEKDAY -> b.append(LONG_DAYS[t.getDayOfWeek().getValue() % 7]);
                case DAY -> appendInt(b, t.getDayOfMonth(), 0);
                case UNDER_DAY -> {
                    if (t.getDayOfMonth() < 10) {
                        b.append(' ');
                    }
                    appendInt(b, t.getDayOfMonth(), 0);
                }
                case ZERO_DAY -> appendInt(b, t.getDayOfMonth(), 2);
                case UNDER_YEAR_DAY -> {
                    int yday = t.getDayOfYear();
                    if (yday < 100) {
                        b.append(' ');
                        if (yday < 10) {
                            b.append(' ');
                        }
                    }
                    appendInt(b, yday, 0);
                }
                case ZERO_YEAR_DAY -> appendInt(b, t.getDayOfYear(), 3);
                case HOUR -> appendInt(b, t.getHour(), 2);
                case HOUR12 -> appendInt(b, t.getHour() % 12 == 0 ? 12 : t.getHour() % 12, 0);
                case ZERO_HOUR12 -> appendInt(b, t.getHour() % 12 == 0 ? 12 : t.getHour() % 12, 2);
                case MINUTE -> appendInt(b, t.getMinute(), 0);
                case ZERO_MINUTE -> appendInt(b, t.getMinute(), 2);
                case SECOND -> appendInt(b, t.getSecond(), 0);
                case ZERO_SECOND -> appendInt(b, t.getSecond(), 2);
                case PM_UPPER -> b.append(t.getHour() >= 12 ? "PM" : "AM");
                case PM_LOWER -> b.append(t.getHour() >= 12 ? "pm" : "am");
                case ISO8601_TZ, ISO8601_COLON_TZ, ISO8601_SECONDS_TZ, ISO8601_SHORT_TZ, ISO8601_COLON_SECONDS_TZ, NUM_TZ,
                     NUM_COLON_TZ, NUM_SECONDS_TZ, NUM_SHORT_TZ, NUM_COLON_SECONDS_TZ -> appendOffset(b, offset, std);
                case TZ -> {
                    if (!zoneName.isEmpty()) {
                        b.append(zoneName);
                    } else {
                        // No abbreviation known: Go prints the -0700 form.
                        int zone = offset / 60;
                        b.append(zone < 0 ? '-' : '+');
                        zone = Math.abs(zone);
                        appendInt(b, zone / 60, 2);
                        appendInt(b, zone % 60, 2);
                    }
                }
                case FRAC_SECOND0, FRAC_SECOND9 -> appendNano(b, t.getNano(), std);
                default -> throw new IllegalStateException("std " + std);
            }
        }
        return b.toString();
    }

    private static void appendOffset(StringBuilder b, int offset, int std) {
        boolean iso = std == ISO8601_TZ || std == ISO8601_COLON_TZ || std == ISO8601_SECONDS_TZ || std == ISO8601_SHORT_TZ
                || std == ISO8601_COLON_SECONDS_TZ;
        if (offset == 0 && iso) {
            b.append('Z');
            return;
        }
        int zone = offset / 60;
        int absOffset = offset;
        if (zone < 0) {
            b.append('-');
            zone = -zone;
            absOffset = -absOffset;
        } else {
            b.append('+');
        }
        appendInt(b, zone / 60, 2);
        if (std == ISO8601_COLON_TZ || std == NUM_COLON_TZ || std == ISO8601_COLON_SECONDS_TZ || std == NUM_COLON_SECONDS_TZ) {
            b.append(':');
        }
        if (std != NUM_SHORT_TZ && std != ISO8601_SHORT_TZ) {
            appendInt(b, zone % 60, 2);
        }
        if (std == ISO8601_SECONDS_TZ || std == NUM_SECONDS_TZ || std == NUM_COLON_SECONDS_TZ || std == ISO8601_COLON_SECONDS_TZ) {
            if (std == NUM_COLON_SECONDS_TZ || std == ISO8601_COLON_SECONDS_TZ) {
                b.append(':');
            }
            appendInt(b, absOffset % 60, 2);
        }
    }

    private static void appendNano(StringBuilder b, int nanos, int std) {
        boolean trim = (std & MASK) == FRAC_SECOND9;
        int n = digits(std);
        if (trim && (n == 0 || nanos == 0)) {
            return;
        }
        char dot = separator(std);
        int start = b.length();
        b.append(dot);
        appendInt(b, nanos, 9);
        if (n < 9) {
            b.setLength(b.length() - 9 + n);
        }
        if (trim) {
            while (b.length() > start && b.charAt(b.length() - 1) == '0') {
                b.setLength(b.length() - 1);
            }
            if (b.length() > start && b.charAt(b.length() - 1) == dot) {
                b.setLength(b.length() - 1);
            }
        }
    }

    /** Go's appendInt: the decimal form, zero-padded to {@code width} digits after any sign. */
    private static void appendInt(StringBuilder b, long x, int width) {
        if (x < 0) {
            b.append('-');
            x = -x;
        }
        String digits = Long.toString(x);
        for (int pad = width - digits.length(); pad > 0; pad--) {
            b.append('0');
        }
        b.append(digits);
    }

    // ---------------------------------------------------------------------------------------
    // Parse

    /** Go's {@code *time.ParseError}, its message as Go's {@code Error()} words it. */
    static final class ParseException extends Exception {
        ParseException(String message) {
            super(message, null, false, false);
        }
    }

    private static final class Bad extends Exception {
        Bad() {
            super(null, null, false, false);
        }
    }

    private static final Bad BAD = new Bad();

    /**
     * Go's {@code time.ParseInLocation(layout, value, time.UTC)}, as Alertmanager's
     * {@code toDate} calls it: a value without a zone is UTC; a numeric offset other than
     * zero gets a zone of that offset and no name; a zone abbreviation other than UTC
     * (which Go cannot know in UTC) a zone of that name and offset zero, or of the hours of
     * {@code GMT+3}, with the clock time as written.
     */
    static GoTime parseInUtc(String layout, String value) throws ParseException {
        // Go works on bytes; a non-ASCII character is several bytes that match nothing else.
        layout = latin(layout);
        value = latin(value);
        String aLayout = layout;
        String aValue = value;
        String rangeErr = "";
        boolean amSet = false;
        boolean pmSet = false;
        int year = 0;
        int month = -1;
        int day = -1;
        int yday = -1;
        int hour = 0;
        int min = 0;
        int sec = 0;
        int nsec = 0;
        boolean utc = false;
        int zoneOffset = -1;
        String zoneName = "";
        int pos = 0;
        while (true) {
            Chunk c = next(layout, pos);
            String prefix = layout.substring(pos, c.start());
            String stdstr = layout.substring(c.start(), c.end());
            String skipped = skip(value, prefix);
            if (skipped.startsWith(SKIP_FAILED)) {
                // Go reports the value from where skip stopped.
                throw parseError(aLayout, aValue, prefix, skipped.substring(1), "");
            }
            value = skipped;
            if (c.std() == 0) {
                if (!value.isEmpty()) {
                    throw parseError(aLayout, aValue, "", value, ": extra text: " + quote(value));
                }
                break;
            }
            pos = c.end();
            int std = c.std();
            String hold = value;
            boolean err = false;
            try {
                switch (std & MASK) {
                    case YEAR -> {
                        if (value.length() < 2) {
                            throw BAD;
                        }
                        String p = value.substring(0, 2);
                        value = value.substring(2);
                        year = atoi(p);
                        year += year >= 69 ? 1900 : 2000;
                    }
                    case LONG_YEAR -> {
                        if (value.length() < 4 || !isDigit(value, 0)) {
                            throw BAD;
                        }
                        String p = value.substring(0, 4);
                        value = value.substring(4);
                        year = atoi(p);
                    }
                    case MONTH, LONG_MONTH -> {
                        String[] tab = (std & MASK) == MONTH ? SHORT_MONTHS : LONG_MONTHS;
                        int i = lookup(tab, value);
                        value = value.substring(tab[i].length());
                        month = i + 1;
                    }
                    case NUM_MONTH, ZERO_MONTH -> {
                        int[] r = getnum(value, std == ZERO_MONTH);
                        month = r[0];
                        value = value.substring(r[1]);
                        if (month <= 0 || month > 12) {
                            rangeErr = "month";
                        }
                    }
                    case WEEKDAY -> value = value.substring(SHORT_DAYS[lookup(SHORT_DAYS, value)].length());
                    case LONG_WEEKDAY -> value = value.substring(LONG_DAYS[lookup(LONG_DAYS, value)].length());
                    case DAY, UNDER_DAY, ZERO_DAY -> {
                        if (std == UNDER_DAY && !value.isEmpty() && value.charAt(0) == ' ') {
                            value = value.substring(1);
                        }
                        int[] r = getnum(value, std == ZERO_DAY);
                        day = r[0];
                        value = value.substring(r[1]);
                    }
                    case UNDER_YEAR_DAY, ZERO_YEAR_DAY -> {
                        for (int i = 0; i < 2; i++) {
                            if (std == UNDER_YEAR_DAY && !value.isEmpty() && value.charAt(0) == ' ') {
                                value = value.substring(1);
                            }
                        }
                        int[] r = getnum3(value, std == ZERO_YEAR_DAY);
                        yday = r[0];
                        value = value.substring(r[1]);
                    }
                    case HOUR -> {
                        int[] r = getnum(value, false);
                        hour = r[0];
                        value = value.substring(r[1]);
                        if (hour < 0 || hour >= 24) {
                            rangeErr = "hour";
                        }
                    }
                    case HOUR12, ZERO_HOUR12 -> {
                        int[] r = getnum(value, std == ZERO_HOUR12);
                        hour = r[0];
                        value = value.substring(r[1]);
                        if (hour < 0 || hour > 12) {
                            rangeErr = "hour";
                        }
                    }
                    case MINUTE, ZERO_MINUTE -> {
                        int[] r = getnum(value, std == ZERO_MINUTE);
                        min = r[0];
                        value = value.substring(r[1]);
                        if (min < 0 || min >= 60) {
                            rangeErr = "minute";
                        }
                    }
                    case SECOND, ZERO_SECOND -> {
                        int[] r = getnum(value, std == ZERO_SECOND);
                        sec = r[0];
                        value = value.substring(r[1]);
                        if (sec < 0 || sec >= 60) {
                            rangeErr = "second";
                            break;
                        }
                        // A fractional second in the value that the layout does not have.
                        if (value.length() >= 2 && commaOrPeriod(value.charAt(0)) && isDigit(value, 1)) {
                            int following = next(layout, pos).std() & MASK;
                            if (following == FRAC_SECOND0 || following == FRAC_SECOND9) {
                                break;
                            }
                            int n = 2;
                            while (n < value.length() && isDigit(value, n)) {
                                n++;
                            }
                            Object[] ns = parseNanoseconds(value, n);
                            nsec = (Integer) ns[0];
                            rangeErr = (String) ns[1];
                            value = value.substring(n);
                        }
                    }
                    case PM_UPPER, PM_LOWER -> {
                        if (value.length() < 2) {
                            throw BAD;
                        }
                        String p = value.substring(0, 2);
                        value = value.substring(2);
                        boolean upper = (std & MASK) == PM_UPPER;
                        if (p.equals(upper ? "PM" : "pm")) {
                            pmSet = true;
                        } else if (p.equals(upper ? "AM" : "am")) {
                            amSet = true;
                        } else {
                            throw BAD;
                        }
                    }
                    case ISO8601_TZ, ISO8601_SHORT_TZ, ISO8601_COLON_TZ, ISO8601_SECONDS_TZ, ISO8601_COLON_SECONDS_TZ,
                         NUM_TZ, NUM_SHORT_TZ, NUM_COLON_TZ, NUM_SECONDS_TZ, NUM_COLON_SECONDS_TZ -> {
                        boolean iso = (std & MASK) <= ISO8601_COLON_SECONDS_TZ;
                        if (iso && !value.isEmpty() && value.charAt(0) == 'Z') {
                            value = value.substring(1);
                            utc = true;
                            break;
                        }
                        String sign;
                        String hh;
                        String mm;
                        String ss;
                        if (std == ISO8601_COLON_TZ || std == NUM_COLON_TZ) {
                            if (value.length() < 6 || value.charAt(3) != ':') {
                                throw BAD;
                            }
                            sign = value.substring(0, 1);
                            hh = value.substring(1, 3);
                            mm = value.substring(4, 6);
                            ss = "00";
                            value = value.substring(6);
                        } else if (std == NUM_SHORT_TZ || std == ISO8601_SHORT_TZ) {
                            if (value.length() < 3) {
                                throw BAD;
                            }
                            sign = value.substring(0, 1);
                            hh = value.substring(1, 3);
                            mm = "00";
                            ss = "00";
                            value = value.substring(3);
                        } else if (std == ISO8601_COLON_SECONDS_TZ || std == NUM_COLON_SECONDS_TZ) {
                            if (value.length() < 9 || value.charAt(3) != ':' || value.charAt(6) != ':') {
                                throw BAD;
                            }
                            sign = value.substring(0, 1);
                            hh = value.substring(1, 3);
                            mm = value.substring(4, 6);
                            ss = value.substring(7, 9);
                            value = value.substring(9);
                        } else if (std == ISO8601_SECONDS_TZ || std == NUM_SECONDS_TZ) {
                            if (value.length() < 7) {
                                throw BAD;
                            }
                            sign = value.substring(0, 1);
                            hh = value.substring(1, 3);
                            mm = value.substring(3, 5);
                            ss = value.substring(5, 7);
                            value = value.substring(7);
                        } else {
                            if (value.length() < 5) {
                                throw BAD;
                            }
                            sign = value.substring(0, 1);
                            hh = value.substring(1, 3);
                            mm = value.substring(3, 5);
                            ss = "00";
                            value = value.substring(5);
                        }
                        int hr = getnum(hh, true)[0];
                        int mi = getnum(mm, true)[0];
                        int se = getnum(ss, true)[0];
                        // Go tests with > here: offsets of 24 hours or 60 minutes are written.
                        if (hr > 24) {
                            rangeErr = "time zone offset hour";
                        }
                        if (mi > 60) {
                            rangeErr = "time zone offset minute";
                        }
                        if (se > 60) {
                            rangeErr = "time zone offset second";
                        }
                        zoneOffset = (hr * 60 + mi) * 60 + se;
                        switch (sign.charAt(0)) {
                            case '+' -> {
                            }
                            case '-' -> zoneOffset = -zoneOffset;
                            default -> throw BAD;
                        }
                    }
                    case TZ -> {
                        if (value.startsWith("UTC")) {
                            utc = true;
                            value = value.substring(3);
                            break;
                        }
                        int n = parseTimeZone(value);
                        if (n <= 0) {
                            throw BAD;
                        }
                        zoneName = value.substring(0, n);
                        value = value.substring(n);
                    }
                    case FRAC_SECOND0 -> {
                        int ndigit = 1 + digits(std);
                        if (value.length() < ndigit) {
                            throw BAD;
                        }
                        Object[] ns = parseNanoseconds(value, ndigit);
                        nsec = (Integer) ns[0];
                        rangeErr = (String) ns[1];
                        value = value.substring(ndigit);
                    }
                    case FRAC_SECOND9 -> {
                        if (value.length() < 2 || !commaOrPeriod(value.charAt(0)) || value.charAt(1) < '0' || value.charAt(1) > '9') {
                            break; // no fractional second
                        }
                        int i = 0;
                        while (i + 1 < value.length() && value.charAt(i + 1) >= '0' && value.charAt(i + 1) <= '9') {
                            i++;
                        }
                        Object[] ns = parseNanoseconds(value, 1 + i);
                        nsec = (Integer) ns[0];
                        rangeErr = (String) ns[1];
                        value = value.substring(1 + i);
                    }
                    default -> throw new IllegalStateException("std " + std);
                }
            } catch (Bad b) {
                err = true;
            }
            if (!rangeErr.isEmpty()) {
                throw parseError(aLayout, aValue, stdstr, value, ": " + rangeErr + " out of range");
            }
            if (err) {
                throw parseError(aLayout, aValue, stdstr, hold, "");
            }
        }
        if (pmSet && hour < 12) {
            hour += 12;
        } else if (amSet && hour == 12) {
            hour = 0;
        }
        if (yday >= 0) {
            int d = 0;
            int m = 0;
            if (isLeap(year)) {
                if (yday == 31 + 29) {
                    m = 2;
                    d = 29;
                } else if (yday > 31 + 29) {
                    yday--;
                }
            }
            if (yday < 1 || yday > 365) {
                throw parseError(aLayout, aValue, "", value, ": day-of-year out of range");
            }
            if (m == 0) {
                m = (yday - 1) / 31 + 1;
                if (DAYS_BEFORE[m] < yday) {
                    m++;
                }
                d = yday - DAYS_BEFORE[m - 1];
            }
            if (month >= 0 && month != m) {
                throw parseError(aLayout, aValue, "", value, ": day-of-year does not match month");
            }
            month = m;
            if (day >= 0 && day != d) {
                throw parseError(aLayout, aValue, "", value, ": day-of-year does not match day");
            }
            day = d;
        } else {
            if (month < 0) {
                month = 1;
            }
            if (day < 0) {
                day = 1;
            }
        }
        if (day < 1 || day > daysIn(month, year)) {
            throw parseError(aLayout, aValue, "", value, ": day out of range");
        }
        Instant wall = LocalDateTime.of(year, month, day, hour, min, sec, nsec).toInstant(ZoneOffset.UTC);
        if (utc) {
            return GoTime.utc(wall);
        }
        if (zoneOffset != -1) {
            Instant t = wall.minusSeconds(zoneOffset);
            // UTC is the only zone of the location: an offset of zero named UTC or nothing is UTC itself.
            if (zoneOffset == 0 && (zoneName.isEmpty() || zoneName.equals("UTC"))) {
                return GoTime.utc(t);
            }
            return new GoTime(t, ZoneOffset.ofTotalSeconds(zoneOffset), utf8(zoneName));
        }
        if (!zoneName.isEmpty()) {
            // Go cannot know the abbreviation's offset in UTC: the clock time stays as written.
            int offset = 0;
            if (zoneName.length() > 3 && zoneName.startsWith("GMT")) {
                offset = Integer.parseInt(zoneName.substring(zoneName.charAt(3) == '+' ? 4 : 3)) * 3600;
            }
            return new GoTime(wall, ZoneOffset.ofTotalSeconds(offset), utf8(zoneName));
        }
        return GoTime.utc(wall);
    }

    private static final int[] DAYS_BEFORE = {0, 31, 31 + 28, 31 + 28 + 31, 31 + 28 + 31 + 30, 31 + 28 + 31 + 30 + 31,
        31 + 28 + 31 + 30 + 31 + 30, 31 + 28 + 31 + 30 + 31 + 30 + 31, 31 + 28 + 31 + 30 + 31 + 30 + 31 + 31,
        31 + 28 + 31 + 30 + 31 + 30 + 31 + 31 + 30, 31 + 28 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 31,
        31 + 28 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 30, 365};

    private static boolean isLeap(int year) {
        return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    }

    private static int daysIn(int month, int year) {
        if (month == 2 && isLeap(year)) {
            return 29;
        }
        return DAYS_BEFORE[month] - DAYS_BEFORE[month - 1];
    }

    private static boolean commaOrPeriod(char c) {
        return c == '.' || c == ',';
    }

    /** Marks skip's failure: no char of a byte string is U+FFFF. */
    private static final String SKIP_FAILED = "\uffff";

    /**
     * Go's skip: the layout's literal text, a run of spaces matching any run of spaces; when it
     * does not match, {@link #SKIP_FAILED} and the value from where it stopped.
     */
    private static String skip(String value, String prefix) {
        int p = 0;
        int v = 0;
        while (p < prefix.length()) {
            if (prefix.charAt(p) == ' ') {
                if (v < value.length() && value.charAt(v) != ' ') {
                    return SKIP_FAILED + value.substring(v);
                }
                while (p < prefix.length() && prefix.charAt(p) == ' ') {
                    p++;
                }
                while (v < value.length() && value.charAt(v) == ' ') {
                    v++;
                }
                continue;
            }
            if (v >= value.length() || value.charAt(v) != prefix.charAt(p)) {
                return SKIP_FAILED + value.substring(v);
            }
            p++;
            v++;
        }
        return value.substring(v);
    }

    /** Go's lookup: the index of the name {@code value} starts with, letters compared without case. */
    private static int lookup(String[] tab, String value) throws Bad {
        for (int i = 0; i < tab.length; i++) {
            String v = tab[i];
            if (value.length() >= v.length() && matchIgnoringCase(value, v)) {
                return i;
            }
        }
        throw BAD;
    }

    private static boolean matchIgnoringCase(String value, String name) {
        for (int i = 0; i < name.length(); i++) {
            int c1 = value.charAt(i);
            int c2 = name.charAt(i);
            if (c1 != c2) {
                c1 |= 'a' - 'A';
                c2 |= 'a' - 'A';
                if (c1 != c2 || c1 < 'a' || c1 > 'z') {
                    return false;
                }
            }
        }
        return true;
    }

    /** Go's getnum: one or two digits ({@code fixed}: two); {value, length}. */
    private static int[] getnum(String s, boolean fixed) throws Bad {
        if (!isDigit(s, 0)) {
            throw BAD;
        }
        if (!isDigit(s, 1)) {
            if (fixed) {
                throw BAD;
            }
            return new int[] {s.charAt(0) - '0', 1};
        }
        return new int[] {(s.charAt(0) - '0') * 10 + (s.charAt(1) - '0'), 2};
    }

    /** Go's getnum3: one to three digits ({@code fixed}: three). */
    private static int[] getnum3(String s, boolean fixed) throws Bad {
        int n = 0;
        int i = 0;
        while (i < 3 && isDigit(s, i)) {
            n = n * 10 + (s.charAt(i) - '0');
            i++;
        }
        if (i == 0 || fixed && i != 3) {
            throw BAD;
        }
        return new int[] {n, i};
    }

    /** Go's atoi: an optional sign and digits, nothing else. */
    private static int atoi(String s) throws Bad {
        boolean neg = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            neg = s.charAt(0) == '-';
            s = s.substring(1);
        }
        long x = 0;
        int i = 0;
        while (i < s.length() && isDigit(s, i)) {
            if (x > Long.MAX_VALUE / 10) {
                throw BAD;
            }
            x = x * 10 + (s.charAt(i) - '0');
            i++;
        }
        if (i < s.length()) {
            throw BAD;
        }
        return (int) (neg ? -x : x);
    }

    /** Go's parseNanoseconds: {nanoseconds, range error}. */
    private static Object[] parseNanoseconds(String value, int nbytes) throws Bad {
        if (!commaOrPeriod(value.charAt(0))) {
            throw BAD;
        }
        if (nbytes > 10) {
            value = value.substring(0, 10);
            nbytes = 10;
        }
        int ns = atoi(value.substring(1, nbytes));
        if (ns < 0) {
            return new Object[] {ns, "fractional second"};
        }
        for (int i = 0; i < 10 - nbytes; i++) {
            ns *= 10;
        }
        return new Object[] {ns, ""};
    }

    /** Go's parseTimeZone: the length of the zone abbreviation {@code value} starts with, 0 for none. */
    static int parseTimeZone(String value) {
        if (value.length() < 3) {
            return 0;
        }
        if (value.startsWith("ChST") || value.startsWith("MeST")) {
            return 4;
        }
        if (value.startsWith("GMT")) {
            return value.length() == 3 ? 3 : 3 + parseSignedOffset(value.substring(3));
        }
        if (value.charAt(0) == '+' || value.charAt(0) == '-') {
            return parseSignedOffset(value);
        }
        int upper = 0;
        while (upper < 6 && upper < value.length() && value.charAt(upper) >= 'A' && value.charAt(upper) <= 'Z') {
            upper++;
        }
        return switch (upper) {
            case 5 -> value.charAt(4) == 'T' ? 5 : 0;
            case 4 -> value.charAt(3) == 'T' || value.startsWith("WITA") ? 4 : 0;
            case 3 -> 3;
            default -> 0;
        };
    }

    /** Go's parseSignedOffset: a sign and an hour from -23 to +23; its length, 0 for none. */
    private static int parseSignedOffset(String value) {
        char sign = value.charAt(0);
        if (sign != '-' && sign != '+') {
            return 0;
        }
        int i = 1;
        long x = 0;
        while (i < value.length() && isDigit(value, i)) {
            if (x > Long.MAX_VALUE / 10) {
                return 0;
            }
            x = x * 10 + (value.charAt(i) - '0');
            i++;
        }
        if (i == 1 || x > 23) {
            return 0;
        }
        return i;
    }

    private static ParseException parseError(String layout, String value, String layoutElem, String valueElem, String message) {
        if (message.isEmpty()) {
            return new ParseException("parsing time " + quote(value) + " as " + quote(layout) + ": cannot parse "
                    + quote(valueElem) + " as " + quote(layoutElem));
        }
        return new ParseException("parsing time " + quote(value) + message);
    }

    /** The UTF-8 bytes of {@code s} as chars 0..255, so that offsets are Go's byte offsets. */
    private static String latin(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    private static String utf8(String latin) {
        return new String(latin.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /**
     * The time package's own quote of bytes (a {@link #latin} string): printable ASCII as is
     * with {@code "} and {@code \} escaped, every other byte as {@code \xNN}.
     */
    private static String quote(String latin) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < latin.length(); i++) {
            int c = latin.charAt(i);
            if (c >= 0x80 || c < ' ') {
                b.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                if (c == '"' || c == '\\') {
                    b.append('\\');
                }
                b.append((char) c);
            }
        }
        return b.append('"').toString();
    }
}

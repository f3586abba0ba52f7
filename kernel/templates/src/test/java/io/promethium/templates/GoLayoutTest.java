package io.promethium.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/**
 * Go's layouts, formatting and {@code ParseInLocation(layout, value, time.UTC)} (Alertmanager's
 * {@code toDate}). The tables are Go's {@code time/format_test.go} (formatTests, parseTests,
 * dayOutOfRangeTests, parseTimeZoneTests, parseErrorTests, secondsTimeZoneOffsetTests and the
 * single cases after them; Copyright 2009 The Go Authors, kept as data under Go's BSD-style
 * licence, https://go.dev/LICENSE). Go runs them with {@code Local} set to US Pacific time, where
 * {@code PST} is known; in UTC, as {@code toDate} parses, an abbreviation has offset zero, so
 * the offset is checked where the value has a numeric one.
 */
class GoLayoutTest {

    static final String ANSIC = "Mon Jan _2 15:04:05 2006";
    static final String UNIX_DATE = "Mon Jan _2 15:04:05 MST 2006";
    static final String RUBY_DATE = "Mon Jan 02 15:04:05 -0700 2006";
    static final String RFC822 = "02 Jan 06 15:04 MST";
    static final String RFC850 = "Monday, 02-Jan-06 15:04:05 MST";
    static final String RFC1123 = "Mon, 02 Jan 2006 15:04:05 MST";
    static final String RFC1123Z = "Mon, 02 Jan 2006 15:04:05 -0700";
    static final String RFC3339 = "2006-01-02T15:04:05Z07:00";
    static final String RFC3339_NANO = "2006-01-02T15:04:05.999999999Z07:00";
    static final String KITCHEN = "3:04PM";
    static final String STAMP = "Jan _2 15:04:05";
    static final String STAMP_MILLI = "Jan _2 15:04:05.000";
    static final String STAMP_MICRO = "Jan _2 15:04:05.000000";
    static final String STAMP_NANO = "Jan _2 15:04:05.000000000";

    @Test
    void formatsGosFormatTests() {
        GoTime t = new GoTime(Instant.ofEpochSecond(0, 1233810057012345600L), ZoneId.of("America/Los_Angeles"));
        String[][] tests = {
            {ANSIC, "Wed Feb  4 21:00:57 2009"},
            {UNIX_DATE, "Wed Feb  4 21:00:57 PST 2009"},
            {RUBY_DATE, "Wed Feb 04 21:00:57 -0800 2009"},
            {RFC822, "04 Feb 09 21:00 PST"},
            {RFC850, "Wednesday, 04-Feb-09 21:00:57 PST"},
            {RFC1123, "Wed, 04 Feb 2009 21:00:57 PST"},
            {RFC1123Z, "Wed, 04 Feb 2009 21:00:57 -0800"},
            {RFC3339, "2009-02-04T21:00:57-08:00"},
            {RFC3339_NANO, "2009-02-04T21:00:57.0123456-08:00"},
            {KITCHEN, "9:00PM"},
            {"3pm", "9pm"},
            {"3PM", "9PM"},
            {"06 01 02", "09 02 04"},
            {"Hi Janet, the Month is January", "Hi Janet, the Month is February"},
            {STAMP, "Feb  4 21:00:57"},
            {STAMP_MILLI, "Feb  4 21:00:57.012"},
            {STAMP_MICRO, "Feb  4 21:00:57.012345"},
            {STAMP_NANO, "Feb  4 21:00:57.012345600"},
            {"Jan  2 002 __2 2", "Feb  4 035  35 4"},
        };
        for (String[] test : tests) {
            assertThat(t.format(test[0])).as(test[0]).isEqualTo(test[1]);
        }
        assertThat(GoTime.utc(Instant.parse("2001-02-03T04:05:06.7Z")).format("3:4:5")).isEqualTo("4:5:6");
        assertThat(GoTime.utc(Instant.parse("0000-01-01T12:00:00Z")).format("3:04PM")).isEqualTo("12:00PM");
        assertThat(GoTime.utc(Instant.parse("0000-01-01T00:00:00Z")).format("03:04PM")).isEqualTo("12:00AM");
    }

    @Test
    void formatsShortAndLongYearsAsGo() {
        for (int y : new int[] {-10001, -999, -1, 0, 1, 99, 999, 9999, 10000, 100001}) {
            GoTime t = GoTime.utc(ZonedDateTime.of(y, 1, 1, 0, 0, 0, 0, ZoneId.of("UTC")).toInstant());
            String want = y < 0 ? String.format("-%04d.01.01", -y) : String.format("%04d.01.01", y);
            assertThat(t.format("2006.01.02")).isEqualTo(want);
        }
    }

    /** Go's parseTests: format, value, hasTZ, hasWD, yearSign, fracDigits. */
    private static final Object[][] PARSE_TESTS = {
        {ANSIC, "Thu Feb  4 21:00:57 2010", false, true, 1, 0},
        {UNIX_DATE, "Thu Feb  4 21:00:57 PST 2010", true, true, 1, 0},
        {RUBY_DATE, "Thu Feb 04 21:00:57 -0800 2010", true, true, 1, 0},
        {RFC850, "Thursday, 04-Feb-10 21:00:57 PST", true, true, 1, 0},
        {RFC1123, "Thu, 04 Feb 2010 21:00:57 PST", true, true, 1, 0},
        {RFC1123Z, "Thu, 04 Feb 2010 21:00:57 -0800", true, true, 1, 0},
        {RFC3339, "2010-02-04T21:00:57-08:00", true, false, 1, 0},
        {"2006-01-02 15:04:05-07", "2010-02-04 21:00:57-08", true, false, 1, 0},
        {ANSIC, "Thu Feb  4 21:00:57.0 2010", false, true, 1, 1},
        {UNIX_DATE, "Thu Feb  4 21:00:57.01 PST 2010", true, true, 1, 2},
        {RUBY_DATE, "Thu Feb 04 21:00:57.012 -0800 2010", true, true, 1, 3},
        {RFC850, "Thursday, 04-Feb-10 21:00:57.0123 PST", true, true, 1, 4},
        {RFC1123, "Thu, 04 Feb 2010 21:00:57.01234 PST", true, true, 1, 5},
        {RFC1123Z, "Thu, 04 Feb 2010 21:00:57.01234 -0800", true, true, 1, 5},
        {RFC3339, "2010-02-04T21:00:57.012345678-08:00", true, false, 1, 9},
        {"2006-01-02 15:04:05", "2010-02-04 21:00:57.0", false, false, 1, 0},
        {ANSIC, "Thu Feb 4 21:00:57 2010", false, true, 1, 0},
        {ANSIC, "Thu      Feb     4     21:00:57     2010", false, true, 1, 0},
        {ANSIC, "THU FEB 4 21:00:57 2010", false, true, 1, 0},
        {ANSIC, "thu feb 4 21:00:57 2010", false, true, 1, 0},
        {"Mon Jan _2 15:04:05.000 2006", "Thu Feb  4 21:00:57.012 2010", false, true, 1, 3},
        {"Mon Jan _2 15:04:05.000000 2006", "Thu Feb  4 21:00:57.012345 2010", false, true, 1, 6},
        {"Mon Jan _2 15:04:05.000000000 2006", "Thu Feb  4 21:00:57.012345678 2010", false, true, 1, 9},
        {"Mon Jan _2 15:04:05,000 2006", "Thu Feb  4 21:00:57.012 2010", false, true, 1, 3},
        {"Mon Jan _2 15:04:05,000000 2006", "Thu Feb  4 21:00:57.012345 2010", false, true, 1, 6},
        {"Mon Jan _2 15:04:05,000000000 2006", "Thu Feb  4 21:00:57.012345678 2010", false, true, 1, 9},
        {"2006.01.02.15.04.05.0", "2010.02.04.21.00.57.0", false, false, 1, 1},
        {"2006.01.02.15.04.05.00", "2010.02.04.21.00.57.01", false, false, 1, 2},
        {"Hi Janet, the Month is January: Jan _2 15:04:05 2006", "Hi Janet, the Month is February: Feb  4 21:00:57 2010", false, true, 1, 0},
        {UNIX_DATE, "Fri Feb  5 05:00:57 GMT-8 2010", true, true, 1, 0},
        {"2006-01-02 15:04:05.9999 -0700 MST", "2010-02-04 21:00:57 -0800 PST", true, false, 1, 0},
        {"2006-01-02 15:04:05.999999999 -0700 MST", "2010-02-04 21:00:57 -0800 PST", true, false, 1, 0},
        {"2006-01-02 15:04:05.9999 -0700 MST", "2010-02-04 21:00:57.0123 -0800 PST", true, false, 1, 4},
        {"2006-01-02 15:04:05.999999999 -0700 MST", "2010-02-04 21:00:57.0123 -0800 PST", true, false, 1, 4},
        {"2006-01-02 15:04:05.9999 -0700 MST", "2010-02-04 21:00:57.012345678 -0800 PST", true, false, 1, 9},
        {"2006-01-02 15:04:05.999999999 -0700 MST", "2010-02-04 21:00:57.012345678 -0800 PST", true, false, 1, 9},
        {"2006-01-02 15:04:05,9999 -0700 MST", "2010-02-04 21:00:57 -0800 PST", true, false, 1, 0},
        {"2006-01-02 15:04:05,999999999 -0700 MST", "2010-02-04 21:00:57 -0800 PST", true, false, 1, 0},
        {"2006-01-02 15:04:05,9999 -0700 MST", "2010-02-04 21:00:57.0123 -0800 PST", true, false, 1, 4},
        {"2006-01-02 15:04:05,999999999 -0700 MST", "2010-02-04 21:00:57.0123 -0800 PST", true, false, 1, 4},
        {"2006-01-02 15:04:05,9999 -0700 MST", "2010-02-04 21:00:57.012345678 -0800 PST", true, false, 1, 9},
        {"2006-01-02 15:04:05,999999999 -0700 MST", "2010-02-04 21:00:57.012345678 -0800 PST", true, false, 1, 9},
        {STAMP_NANO, "Feb  4 21:00:57.012345678", false, false, -1, 9},
        {"Jan _2 15:04:05.999", "Feb  4 21:00:57.012300000", false, false, -1, 4},
        {"Jan _2 15:04:05.999", "Feb  4 21:00:57.012345678", false, false, -1, 9},
        {"Jan _2 15:04:05.999999999", "Feb  4 21:00:57.0123", false, false, -1, 4},
        {"Jan _2 15:04:05.999999999", "Feb  4 21:00:57.012345678", false, false, -1, 9},
        {"2006-01-02 002 15:04:05", "2010-02-04 035 21:00:57", false, false, 1, 0},
        {"2006-01 002 15:04:05", "2010-02 035 21:00:57", false, false, 1, 0},
        {"2006-002 15:04:05", "2010-035 21:00:57", false, false, 1, 0},
        {"200600201 15:04:05", "201003502 21:00:57", false, false, 1, 0},
        {"200600204 15:04:05", "201003504 21:00:57", false, false, 1, 0},
        {RUBY_DATE, "Thu Feb 04 21:00:57 -0000 2010", false, true, 1, 0},
        {RUBY_DATE, "Thu Feb 04 21:00:57 +0000 2010", false, true, 1, 0},
        {RUBY_DATE, "Thu Feb 04 21:00:57 +1130 2010", false, true, 1, 0},
    };

    @Test
    void parsesGosParseTests() throws Exception {
        for (Object[] test : PARSE_TESTS) {
            String format = (String) test[0];
            String value = (String) test[1];
            GoTime t = GoLayout.parseInUtc(format, value);
            ZonedDateTime z = t.instant().atZone(t.zone());
            String what = format + " / " + value;
            if ((int) test[4] >= 0) {
                assertThat(z.getYear()).as(what).isEqualTo(2010);
            }
            assertThat(z.getMonthValue()).as(what).isEqualTo(2);
            assertThat(z.getDayOfMonth()).as(what).isEqualTo(4);
            assertThat(z.getHour()).as(what).isEqualTo(21);
            assertThat(z.getMinute()).as(what).isEqualTo(0);
            assertThat(z.getSecond()).as(what).isEqualTo(57);
            int frac = (int) test[5];
            assertThat(z.getNano()).as(what).isEqualTo(Integer.parseInt("012345678".substring(0, frac) + "000000000".substring(0, 9 - frac)));
            if ((boolean) test[2] && value.matches(".*[-+]0800.*|.*-08(:00)?$|.*GMT-8.*")) {
                assertThat(z.getOffset().getTotalSeconds()).as(what).isEqualTo(-28800);
            }
            if ((boolean) test[3] && (int) test[4] >= 0) {
                assertThat(z.getDayOfWeek()).as(what).isEqualTo(java.time.DayOfWeek.THURSDAY);
            }
        }
    }

    @Test
    void aZoneAbbreviationInUtcHasOffsetZeroAndKeepsItsName() throws Exception {
        GoTime t = GoLayout.parseInUtc(UNIX_DATE, "Thu Feb  4 21:00:57 PST 2010");
        assertThat(t.toString()).isEqualTo("2010-02-04 21:00:57 +0000 PST");
        assertThat(GoLayout.parseInUtc(RUBY_DATE, "Thu Feb 02 16:10:03 -0500 2006").format(UNIX_DATE))
                .isEqualTo("Thu Feb  2 16:10:03 -0500 2006");
        assertThat(GoLayout.parseInUtc(RUBY_DATE, "Thu Feb 02 16:10:03 +0000 2006").toString())
                .isEqualTo("2006-02-02 16:10:03 +0000 UTC");
        assertThat(GoLayout.parseInUtc(RUBY_DATE, "Mon Jan 02 15:04:05 +0123 2006").instant().atZone(ZoneId.of("UTC")).getHour())
                .isEqualTo(13);
    }

    @Test
    void rejectsDaysOutOfRange() {
        Object[][] tests = {
            {"Thu Jan 99 21:00:57 2010", false}, {"Thu Jan 31 21:00:57 2010", true}, {"Thu Jan 32 21:00:57 2010", false},
            {"Thu Feb 28 21:00:57 2012", true}, {"Thu Feb 29 21:00:57 2012", true}, {"Thu Feb 29 21:00:57 2010", false},
            {"Thu Mar 31 21:00:57 2010", true}, {"Thu Mar 32 21:00:57 2010", false}, {"Thu Apr 30 21:00:57 2010", true},
            {"Thu Apr 31 21:00:57 2010", false}, {"Thu May 31 21:00:57 2010", true}, {"Thu May 32 21:00:57 2010", false},
            {"Thu Jun 30 21:00:57 2010", true}, {"Thu Jun 31 21:00:57 2010", false}, {"Thu Jul 31 21:00:57 2010", true},
            {"Thu Jul 32 21:00:57 2010", false}, {"Thu Aug 31 21:00:57 2010", true}, {"Thu Aug 32 21:00:57 2010", false},
            {"Thu Sep 30 21:00:57 2010", true}, {"Thu Sep 31 21:00:57 2010", false}, {"Thu Oct 31 21:00:57 2010", true},
            {"Thu Oct 32 21:00:57 2010", false}, {"Thu Nov 30 21:00:57 2010", true}, {"Thu Nov 31 21:00:57 2010", false},
            {"Thu Dec 31 21:00:57 2010", true}, {"Thu Dec 32 21:00:57 2010", false}, {"Thu Dec 00 21:00:57 2010", false},
        };
        for (Object[] test : tests) {
            String date = (String) test[0];
            if ((boolean) test[1]) {
                assertThat(parses(ANSIC, date)).as(date).isNull();
            } else {
                assertThat(parses(ANSIC, date)).as(date).contains("day out of range");
            }
        }
        assertThat(parses("01-02", "00-01")).contains("month out of range");
        assertThat(parses("01-02", "13-01")).contains("month out of range");
        assertThat(parses("01-02", "01-01")).isNull();
    }

    @Test
    void findsZoneAbbreviationsAsGo() {
        Object[][] tests = {
            {"gmt hi there", 0}, {"GMT hi there", 3}, {"GMT+12 hi there", 6}, {"GMT+00 hi there", 6}, {"GMT+", 3},
            {"GMT+3", 5}, {"GMT+a", 3}, {"GMT+3a", 5}, {"GMT-5 hi there", 5}, {"GMT-51 hi there", 3}, {"ChST hi there", 4},
            {"MeST hi there", 4}, {"MSDx", 3}, {"MSDY", 0}, {"ESAST hi", 5}, {"ESASTT hi", 0}, {"ESATY hi", 0},
            {"WITA hi", 4}, {"+03 hi", 3}, {"-04 hi", 3}, {"+00", 3}, {"-11", 3}, {"-12", 3}, {"-23", 3}, {"-24", 0},
            {"+13", 3}, {"+14", 3}, {"+23", 3}, {"+24", 0},
        };
        for (Object[] test : tests) {
            assertThat(GoLayout.parseTimeZone((String) test[0])).as((String) test[0]).isEqualTo(test[1]);
        }
    }

    @Test
    void parseErrorsAreWordedAsGo() {
        String[][] tests = {
            {ANSIC, "Feb  4 21:00:60 2010", "cannot parse"},
            {ANSIC, "Thu Feb  4 21:00:57 @2010", "cannot parse"},
            {ANSIC, "Thu Feb  4 21:00:60 2010", "second out of range"},
            {ANSIC, "Thu Feb  4 21:61:57 2010", "minute out of range"},
            {ANSIC, "Thu Feb  4 24:00:60 2010", "hour out of range"},
            {"Mon Jan _2 15:04:05.000 2006", "Thu Feb  4 23:00:59x01 2010", "cannot parse"},
            {"Mon Jan _2 15:04:05.000 2006", "Thu Feb  4 23:00:59.xxx 2010", "cannot parse"},
            {"Mon Jan _2 15:04:05.000 2006", "Thu Feb  4 23:00:59.-123 2010", "fractional second out of range"},
            {STAMP_NANO, "Dec  7 11:22:01.000000", "cannot parse \".000000\" as \".000000000\""},
            {STAMP_NANO, "Dec  7 11:22:01.0000000000", "extra text: \"0\""},
            {RFC3339, "2006-01-02T15:04:05Z07:00", "parsing time \"2006-01-02T15:04:05Z07:00\": extra text: \"07:00\""},
            {RFC3339, "2006-01-02T15:04_abc", "parsing time \"2006-01-02T15:04_abc\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"_abc\" as \":\""},
            {RFC3339, "2006-01-02T15:04:05_abc", "parsing time \"2006-01-02T15:04:05_abc\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"_abc\" as \"Z07:00\""},
            {RFC3339, "2006-01-02T15:04:05Z_abc", "parsing time \"2006-01-02T15:04:05Z_abc\": extra text: \"_abc\""},
            {RFC3339, "2010-02-04T21:00:67.012345678-08:00", "second out of range"},
            {"_2 Jan 06 15:04 MST", "4 --- 00 00:00 GMT", "cannot parse"},
            {"_2 January 06 15:04 MST", "4 --- 00 00:00 GMT", "cannot parse"},
            {"Jan _2 002 2006", "Feb  4 034 2006", "day-of-year does not match day"},
            {"Jan _2 002 2006", "Feb  4 004 2006", "day-of-year does not match month"},
            {"01 MST", "0 MST", "cannot parse \"0 MST\" as \"01\""},
            {"01 MST", "1 MST", "cannot parse \"1 MST\" as \"01\""},
            {RFC850, "Thursday, 04-Feb-1 21:00:57 PST", "cannot parse \"1 21:00:57 PST\" as \"06\""},
            {"2006-01-02", "not-a-date", "parsing time \"not-a-date\" as \"2006-01-02\": cannot parse \"not-a-date\" as \"2006\""},
            {"2006 é", "2006 \u00e8", "parsing time \"2006 \\xc3\\xa8\" as \"2006 \\xc3\\xa9\": cannot parse \"\\xa8\" as \" \\xc3\\xa9\""},
        };
        for (String[] test : tests) {
            assertThat(parses(test[0], test[1])).as(test[0] + " / " + test[1]).contains(test[2]);
        }
    }

    @Test
    void parsesAndFormatsOffsetsWithSeconds() throws Exception {
        Object[][] tests = {
            {"2006-01-02T15:04:05-070000", "1871-01-01T05:33:02-003408", -(34 * 60 + 8)},
            {"2006-01-02T15:04:05-07:00:00", "1871-01-01T05:33:02-00:34:08", -(34 * 60 + 8)},
            {"2006-01-02T15:04:05-070000", "1871-01-01T05:33:02+003408", 34 * 60 + 8},
            {"2006-01-02T15:04:05-07:00:00", "1871-01-01T05:33:02+00:34:08", 34 * 60 + 8},
            {"2006-01-02T15:04:05Z070000", "1871-01-01T05:33:02-003408", -(34 * 60 + 8)},
            {"2006-01-02T15:04:05Z07:00:00", "1871-01-01T05:33:02+00:34:08", 34 * 60 + 8},
            {"2006-01-02T15:04:05-07", "1871-01-01T05:33:02+01", 3600},
            {"2006-01-02T15:04:05-07", "1871-01-01T05:33:02-02", -7200},
            {"2006-01-02T15:04:05Z07", "1871-01-01T05:33:02-02", -7200},
        };
        for (Object[] test : tests) {
            GoTime t = GoLayout.parseInUtc((String) test[0], (String) test[1]);
            assertThat(t.instant().atZone(t.zone()).getOffset().getTotalSeconds()).isEqualTo(test[2]);
            assertThat(t.format((String) test[0])).isEqualTo(test[1]);
        }
    }

    @Test
    void parsesYearDaysUnderscoreYearsAndTwelveOClock() throws Exception {
        for (int i = 1; i <= 365; i++) {
            GoTime t = GoLayout.parseInUtc("2006-002", String.format("2020-%03d", i));
            assertThat(t.instant().atZone(t.zone()).getDayOfYear()).isEqualTo(i);
        }
        assertThat(GoLayout.parseInUtc("15:04_20060102", "14:38_20150618").toString()).isEqualTo("2015-06-18 14:38:00 +0000 UTC");
        assertThat(GoLayout.parseInUtc("3:04PM", "12:00PM").toString()).isEqualTo("0000-01-01 12:00:00 +0000 UTC");
        assertThat(GoLayout.parseInUtc("03:04PM", "12:00AM").toString()).isEqualTo("0000-01-01 00:00:00 +0000 UTC");
    }

    private static String parses(String layout, String value) {
        try {
            GoLayout.parseInUtc(layout, value);
            return null;
        } catch (GoLayout.ParseException e) {
            return e.getMessage();
        }
    }

    @Test
    void aValueThatIsNoTimeIsAParseException() {
        assertThatThrownBy(() -> GoLayout.parseInUtc("2006", "x")).isInstanceOf(GoLayout.ParseException.class);
    }
}

package io.promethium.promql.engine.internal.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DatePartTest {

    @Test
    void datePartsAgreeWithJavaTimeWhereItHasAnAnswer() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++) {
            // ±30,000 years around 1970, plus the edges of days and of leap years.
            long seconds = random.nextLong(-1_000_000_000_000L, 1_000_000_000_000L);
            ZonedDateTime t = Instant.ofEpochSecond(seconds).atZone(ZoneOffset.UTC);
            assertThat(FunctionCalls.datePart("year", seconds)).as("year %d", seconds).isEqualTo(t.getYear());
            assertThat(FunctionCalls.datePart("month", seconds)).isEqualTo(t.getMonthValue());
            assertThat(FunctionCalls.datePart("day_of_month", seconds)).isEqualTo(t.getDayOfMonth());
            assertThat(FunctionCalls.datePart("day_of_week", seconds)).isEqualTo(t.getDayOfWeek().getValue() % 7);
            assertThat(FunctionCalls.datePart("day_of_year", seconds)).isEqualTo(t.getDayOfYear());
            assertThat(FunctionCalls.datePart("days_in_month", seconds)).isEqualTo(t.toLocalDate().lengthOfMonth());
            assertThat(FunctionCalls.datePart("hour", seconds)).isEqualTo(t.getHour());
            assertThat(FunctionCalls.datePart("minute", seconds)).isEqualTo(t.getMinute());
        }
    }

    @Test
    void yearsBeyondJavaTimesRangeStillHaveAnAnswerAsInGo() {
        // java.time refuses this (the engine fuzz test found it); Go's time answers with a year near 1.98e9.
        double year = FunctionCalls.datePart("year", 62_394_451_136_239_445d);
        assertThat(year).isBetween(1.977e9, 1.978e9);
        assertThat(FunctionCalls.datePart("month", -62_394_451_136_239_445d)).isBetween(1d, 12d);
        assertThat(FunctionCalls.datePart("year", Double.NaN)).isNaN();
    }
}

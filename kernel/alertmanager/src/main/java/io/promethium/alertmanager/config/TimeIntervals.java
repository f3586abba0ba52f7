package io.promethium.alertmanager.config;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

/** A named list of time intervals; active when any of them contains the instant. */
public record TimeIntervals(String name, List<Interval> intervals) {
    public TimeIntervals {
        intervals = List.copyOf(intervals);
    }

    public boolean contains(Instant t) {
        for (Interval i : intervals) {
            if (i.contains(t)) {
                return true;
            }
        }
        return false;
    }

    /** An inclusive range of ints ({@code 1:5}); a single value has start == end. */
    public record Range(int start, int end) {
        boolean contains(int v) {
            return v >= start && v <= end;
        }
    }

    /** A span of minutes of the day, end exclusive. */
    public record Times(int startMinute, int endMinute) {
    }

    /**
     * One {@code time_intervals} entry; an empty list places no constraint. Days of the month may
     * count from the end ({@code -1} is the last day).
     */
    public record Interval(List<Times> times, List<Range> weekdays, List<Range> daysOfMonth, List<Range> months,
                           List<Range> years, ZoneId location) {
        public Interval {
            times = List.copyOf(times);
            weekdays = List.copyOf(weekdays);
            daysOfMonth = List.copyOf(daysOfMonth);
            months = List.copyOf(months);
            years = List.copyOf(years);
            location = location == null ? ZoneId.of("UTC") : location;
        }

        public boolean contains(Instant instant) {
            ZonedDateTime t = instant.atZone(location);
            if (!times.isEmpty()) {
                int minute = t.getHour() * 60 + t.getMinute();
                boolean in = false;
                for (Times span : times) {
                    in |= minute >= span.startMinute() && minute < span.endMinute();
                }
                if (!in) {
                    return false;
                }
            }
            if (!weekdays.isEmpty() && !any(weekdays, t.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : t.getDayOfWeek().getValue())) {
                return false;
            }
            if (!daysOfMonth.isEmpty()) {
                int length = t.toLocalDate().lengthOfMonth();
                boolean in = false;
                for (Range r : daysOfMonth) {
                    int start = r.start() < 0 ? length + r.start() + 1 : r.start();
                    int end = r.end() < 0 ? length + r.end() + 1 : r.end();
                    in |= t.getDayOfMonth() >= Math.max(1, start) && t.getDayOfMonth() <= Math.min(length, end);
                }
                if (!in) {
                    return false;
                }
            }
            if (!months.isEmpty() && !any(months, t.getMonthValue())) {
                return false;
            }
            return years.isEmpty() || any(years, t.getYear());
        }

        private static boolean any(List<Range> ranges, int v) {
            for (Range r : ranges) {
                if (r.contains(v)) {
                    return true;
                }
            }
            return false;
        }
    }
}

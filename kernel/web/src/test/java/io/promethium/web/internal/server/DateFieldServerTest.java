package io.promethium.web.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;

class DateFieldServerTest {

    private static final DateTimeFormatter GO_TIME_FORMAT = DateTimeFormatter.ofPattern("EEE, dd MMM uuuu HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);

    @Test
    void spellsDatesAsGoHttpTimeFormat() {
        assertThat(DateFieldServer.format(0)).isEqualTo("Thu, 01 Jan 1970 00:00:00 GMT");
        assertThat(DateFieldServer.format(1_796_122_980L)).isEqualTo(GO_TIME_FORMAT.format(Instant.ofEpochSecond(1_796_122_980L)));
        // Leap days, century and era edges, before 1970.
        long[] edges = {951_782_399L, 951_782_400L, 951_868_800L, 4_107_542_399L, 4_107_542_400L, -1L, -86_400L, -62_135_596_800L,
            -62_167_219_200L, 253_402_300_799L};
        for (long s : edges) {
            assertThat(DateFieldServer.format(s)).as("second %d", s).isEqualTo(GO_TIME_FORMAT.format(Instant.ofEpochSecond(s)));
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            long s = random.nextLong(-62_167_219_200L, 253_402_300_800L);
            assertThat(DateFieldServer.format(s)).as("second %d", s).isEqualTo(GO_TIME_FORMAT.format(Instant.ofEpochSecond(s)));
        }
    }

    @Test
    void refusesYearsAnHttpDateCannotHold() {
        assertThatThrownBy(() -> DateFieldServer.format(253_402_300_800L)).hasMessageContaining("year 10000");
    }

    @Test
    void keepsOneFieldPerSecond() {
        DateFieldServer server = new DateFieldServer(new QueuedThreadPool(), new ArrayByteBufferPool());
        var first = server.getDateField();
        assertThat(first.getName()).isEqualTo("Date");
        assertThat(first.getValue()).endsWith(" GMT");
        var again = server.getDateField();
        assertThat(again == first || !again.getValue().equals(first.getValue())).isTrue();
    }
}

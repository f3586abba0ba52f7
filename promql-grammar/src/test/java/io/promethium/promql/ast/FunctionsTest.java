package io.promethium.promql.ast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FunctionsTest {

    @Test
    void lookupIsCaseSensitiveAndKnowsEveryPrometheusFunctionFamily() {
        for (String name : List.of("rate", "irate", "increase", "delta", "idelta", "deriv", "predict_linear",
                "histogram_quantile", "histogram_fraction", "histogram_count", "histogram_sum", "histogram_avg",
                "label_replace", "label_join", "sort_by_label", "quantile_over_time", "double_exponential_smoothing",
                "time", "timestamp", "day_of_week", "days_in_month", "sin", "atanh", "pi", "deg", "rad", "vector",
                "scalar", "absent", "absent_over_time", "present_over_time", "clamp", "round", "sgn", "info")) {
            assertThat(Functions.lookup(name)).as(name).isNotNull();
        }
        assertThat(Functions.lookup("RATE")).isNull();
        assertThat(Functions.lookup("holt_winters")).isNull(); // renamed in Prometheus 3
    }

    @Test
    void signaturesFollowPrometheus() {
        Function rate = Functions.lookup("rate");
        assertThat(rate.argTypes()).containsExactly(ValueType.MATRIX);
        assertThat(rate.returnType()).isEqualTo(ValueType.VECTOR);
        assertThat(Functions.lookup("scalar").returnType()).isEqualTo(ValueType.SCALAR);
        assertThat(Functions.lookup("histogram_quantile").argTypes()).containsExactly(ValueType.SCALAR, ValueType.VECTOR);
        assertThat(Functions.lookup("mad_over_time").experimental()).isTrue();
        assertThat(Functions.lookup("rate").experimental()).isFalse();
    }

    @Test
    void variadicBounds() {
        Function round = Functions.lookup("round");
        assertThat(round.minArgs()).isEqualTo(1);
        assertThat(round.maxArgs()).isEqualTo(2);
        Function labelJoin = Functions.lookup("label_join");
        assertThat(labelJoin.minArgs()).isEqualTo(3);
        assertThat(labelJoin.maxArgs()).isEqualTo(Integer.MAX_VALUE);
        assertThat(labelJoin.argType(7)).isEqualTo(ValueType.STRING);
        Function time = Functions.lookup("time");
        assertThat(time.minArgs()).isZero();
        assertThat(time.maxArgs()).isZero();
        Function year = Functions.lookup("year");
        assertThat(year.minArgs()).isZero();
        assertThat(year.maxArgs()).isEqualTo(1);
    }

    @Test
    void allIsSortedByName() {
        List<String> names = Functions.all().stream().map(Function::name).toList();
        assertThat(names).isSorted().doesNotHaveDuplicates().hasSizeGreaterThan(80);
    }

    @Test
    void functionRejectsANonsenseVariadicCount() {
        assertThatThrownBy(() -> new Function("f", List.of(), -2, ValueType.SCALAR, false))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

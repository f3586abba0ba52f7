package io.promethium.api.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.testing.AbstractSampleIteratorWrapperContractTest;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardingSampleIteratorTest extends AbstractSampleIteratorWrapperContractTest {

    @Override
    protected SampleIterator wrap(SampleIterator source) {
        return new ForwardingSampleIterator() {
            @Override
            protected SampleIterator delegate() {
                return source;
            }
        };
    }

    /** What makes wrappers safe: a method SampleIterator gains fails this test until the base forwards it. */
    @Test
    void theBaseForwardsEveryInstanceMethodOfSampleIterator() throws NoSuchMethodException {
        List<String> notForwarded = new ArrayList<>();
        for (Method m : SampleIterator.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            Method own = ForwardingSampleIterator.class.getMethod(m.getName(), m.getParameterTypes());
            if (own.getDeclaringClass() != ForwardingSampleIterator.class) {
                notForwarded.add(m.getName());
            }
        }
        assertThat(notForwarded).isEmpty();
    }

    @Test
    void theBaseDoesNotForwardSeekLastSoAMergeReadsForward() {
        SampleIterator array = new ArraySampleIterator(new long[] {1_000, 2_000}, new double[] {1, 2});
        SampleIterator source = new SampleIterator() {
            @Override
            public boolean next() {
                return array.next();
            }

            @Override
            public boolean seek(long t) {
                return array.seek(t);
            }

            @Override
            public long timestamp() {
                return array.timestamp();
            }

            @Override
            public double value() {
                return array.value();
            }

            @Override
            public boolean seekLast(long t) {
                throw new AssertionError("forwarded");
            }
        };
        SampleIterator it = wrap(source);
        assertThat(it.seekLast(5_000)).isFalse();
        assertThat(it.next()).isTrue();
        assertThat(it.timestamp()).isEqualTo(1_000);
    }
}

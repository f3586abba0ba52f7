package io.promethium.web.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A collector update (new version started before the old one stops) is collected once, from the new version. */
class CollectorsTest {

    /** A plugin's collector; loaded again by {@link Version} to stand for a rebuilt jar. */
    public static final class PluginCollector implements Collector {
        @Override
        public void collect(MetricWriter writer) {
        }
    }

    /** A bundle class loader of one plugin version: defines {@link PluginCollector} itself, delegates the rest. */
    private static final class Version extends ClassLoader {
        Version() {
            super(CollectorsTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(PluginCollector.class.getName())) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded != null) {
                    return loaded;
                }
                try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                    byte[] bytes = in.readAllBytes();
                    return defineClass(name, bytes, 0, bytes.length);
                } catch (IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
        }

        Collector newCollector() throws Exception {
            return (Collector) loadClass(PluginCollector.class.getName()).getDeclaredConstructor().newInstance();
        }
    }

    @Test
    void duringAnUpdateOnlyTheNewVersionIsCollectedAndAfterItTheNewVersionStays() throws Exception {
        Collectors collectors = new Collectors();
        Collector core = writer -> { };
        Collector v1 = new Version().newCollector();
        Collector v2 = new Version().newCollector();
        assertThat(v1.getClass()).isNotSameAs(v2.getClass());
        collectors.add(core);
        collectors.add(v1);
        assertThat(collectors.snapshot()).containsExactly(core, v1);

        collectors.add(v2); // the new version started: the old one is still registered
        assertThat(collectors.snapshot()).containsExactly(core, v2);

        collectors.remove(v1);
        assertThat(collectors.snapshot()).containsExactly(core, v2);
    }

    @Test
    void severalInstancesOfOneVersionAreAllCollected() {
        Collectors collectors = new Collectors();
        Collector a = new PluginCollector();
        Collector b = new PluginCollector();
        collectors.add(a);
        collectors.add(b);
        assertThat(collectors.snapshot()).isEqualTo(List.of(a, b));
    }

    @Test
    void anOlderVersionLeftAloneIsCollectedAgainWhenTheNewOneGoes() throws Exception {
        Collectors collectors = new Collectors();
        Collector v1 = new Version().newCollector();
        Collector v2 = new Version().newCollector();
        collectors.add(v1);
        collectors.add(v2);
        collectors.remove(v2); // the update failed and was rolled back
        assertThat(collectors.snapshot()).containsExactly(v1);
    }
}

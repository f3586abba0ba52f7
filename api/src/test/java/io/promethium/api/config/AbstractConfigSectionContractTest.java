package io.promethium.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.ConfigContract;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link ConfigSection} passes, as {@code AbstractDiscovererContractTest} and
 * {@code AbstractNotifierContractTest} do for the other kinds that own config: a plugin's test
 * extends this class and gives its section, a context and one valid entry. Checked, without
 * starting anything (no {@link ConfigSection#apply}, no network):
 * <ul>
 * <li>the owned key is a top-level key ({@code [a-z][a-z0-9_]*}) and the valid entry validates;</li>
 * <li>an unknown key in an entry is refused naming the key and its {@code file:line:col};</li>
 * <li>the {@link #badValue()} is refused with a {@link ConfigException} whose {@code field()} and
 *     {@code location()} name it: the one validation shape ({@link ConfigContract}).</li>
 * </ul>
 * Entries are given as the kernel's config loader gives them, each entry of the block located.
 */
public abstract class AbstractConfigSectionContractTest {

    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]*");

    /** The section under test, not applied. */
    protected abstract ConfigSection section() throws Exception;

    /** What the config loader gives the section (external labels, config folder, relabel compiler, HTTP clients). */
    protected abstract SectionContext context() throws Exception;

    /** One valid entry of the owned list, which {@code validate} accepts without network. */
    protected abstract Map<String, Object> entry() throws Exception;

    /** One invalid value of {@link #entry()}, which {@code validate} must refuse naming the field and where it is. */
    protected abstract BadValue badValue();

    private ConfigContract.Validation validation(ConfigSection section, SectionContext context) {
        return config -> section.validate(List.of(config), context);
    }

    @Test
    void theKeyIsATopLevelKeyAndAValidEntryValidates() throws Exception {
        ConfigSection section = section();
        assertThat(section.key()).as("the owned key").matches(KEY);
        ConfigContract.accepts(section.key(), entry(), validation(section, context()));
    }

    @Test
    void anUnknownKeyIsRefusedNamingItAndWhereItIs() throws Exception {
        ConfigSection section = section();
        ConfigContract.refusesUnknownKey(section.key(), entry(), validation(section, context()));
    }

    @Test
    void aBadValueIsRefusedNamingItsFieldAndWhereItIs() throws Exception {
        ConfigSection section = section();
        ConfigContract.refusesBadValue(section.key(), entry(), badValue(), validation(section, context()));
    }
}

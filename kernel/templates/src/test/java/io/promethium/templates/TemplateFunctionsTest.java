package io.promethium.templates;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Template functions whose Go counterparts differ from the nearest Java method. */
class TemplateFunctionsTest {

    @Test
    void trimSpaceRemovesWhatGosStringsTrimSpaceRemoves() throws Exception {
        // unicode.IsSpace: \t \n \v \f \r, space, U+0085, U+00A0, and Unicode's other White_Space.
        assertThat(TemplateFunctions.trimSpace("\u0085\u00a0\t\u000b a b \u2007\u202f\u3000\u2028")).isEqualTo("a b");
        // Java's strip() also removes the information separators U+001C..U+001F; Go keeps them.
        assertThat(TemplateFunctions.trimSpace("\u001c a \u001f")).isEqualTo("\u001c a \u001f");
        assertThat(TemplateFunctions.trimSpace(" \t\n ")).isEmpty();
        assertThat(Template.parse("t", "[{{ trimSpace .s }}]", Dialect.ALERTMANAGER, null)
                .execute(Map.of("s", "\u00a0 firing \u0085"), QueryFunction.NONE, "")).isEqualTo("[firing]");
    }
}

package io.promethium.tsdb.internal.block;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.tsdb.internal.index.RegexToLucene;
import java.util.List;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.automaton.CompiledAutomaton;
import org.junit.jupiter.api.Test;

/** The Lucene automaton of a converted regex accepts exactly what Prometheus's anchored regex accepts. */
class RegexAutomatonTest {
    private static final List<String> VALUES = List.of("", "a", "b", "ab", "abc", "api", "api-v2", "API", "db", "db1", "db12",
            "node-1.dc1.example.com:9100", "/var/lib", "a.b", "a*b", "x\ny", "é", "日本", "200", "404", "500", "5xx", "foo\"bar",
            "~&<>@#", "aaa", "aaaa");

    private static final List<String> REGEXES = List.of("a", "a|b", "ab?c?", "a.*", ".*b", ".+", "a+", "(a|b)+", "(?:ab|db)[0-9]*",
            "db[0-9]{1,2}", "[^a-c].*", "[a-cx-z]+", "5..", "[45][0-9][0-9]", "api(-v2)?", "node-\\d+.*", "a\\.b", "a\\*b", ".*\\..*",
            "x.y", "é|日本", "foo\"bar", "~&<>@#", "a{3}", "a{3,}", "a{2,3}", "a*?", "(?i)api", "^a$", "a|", "[a-]+", "/var/.*",
            "\\/var\\/lib", "[[:alpha:]]+");

    @Test
    void convertedRegexesMatchExactlyLikeJavaAnchoredPatterns() {
        int converted = 0;
        for (String regex : REGEXES) {
            Matcher m = Matcher.of(MatchType.REGEX, "l", regex);
            CompiledAutomaton automaton = BlockIndex.automaton(regex);
            if (automaton == null) {
                continue;
            }
            converted++;
            for (String v : VALUES) {
                boolean lucene = automaton.runAutomaton == null
                        ? automaton.type == CompiledAutomaton.AUTOMATON_TYPE.ALL
                                || (automaton.type == CompiledAutomaton.AUTOMATON_TYPE.SINGLE && automaton.term.utf8ToString().equals(v))
                        : automaton.runAutomaton.run(new BytesRef(v).bytes, 0, new BytesRef(v).length);
                assertThat(lucene).as("regex %s on %s (lucene form %s)", regex, v, RegexToLucene.convert(regex)).isEqualTo(m.matches(v));
            }
        }
        assertThat(converted).isGreaterThan(REGEXES.size() * 2 / 3);
    }

    @Test
    void unsupportedConstructsFallBack() {
        assertThat(RegexToLucene.convert("(?i)api")).isNull();
        assertThat(RegexToLucene.convert("^a$")).isNull();
        assertThat(RegexToLucene.convert("\\d+")).isNull();
        assertThat(RegexToLucene.convert("a|")).isNull();
        assertThat(RegexToLucene.convert("")).isNull();
    }
}

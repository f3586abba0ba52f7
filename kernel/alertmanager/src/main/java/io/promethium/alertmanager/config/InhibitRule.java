package io.promethium.alertmanager.config;

import io.promethium.api.model.Matcher;
import java.util.List;

/** Mutes alerts matching {@code target} while an alert matching {@code source} fires with the same {@code equal} labels. */
public record InhibitRule(List<Matcher> source, List<Matcher> target, List<String> equal) {
    public InhibitRule {
        source = List.copyOf(source);
        target = List.copyOf(target);
        equal = List.copyOf(equal);
    }
}

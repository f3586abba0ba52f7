package io.promethium.web.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promethium.api.tool.Tool;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The launcher finds a bundle's tools through {@code META-INF/services}: every one listed loads. */
class WebToolsServiceFileTest {

    @Test
    void everyToolOfThisBundleIsListedAndLoads() {
        List<String> names = ServiceLoader.load(Tool.class).stream()
                .filter(p -> p.type().getPackageName().equals(WebToolsServiceFileTest.class.getPackageName()))
                .map(p -> p.get().name()).sorted().toList();
        assertEquals(List.of("check healthy", "check ready", "check web-config", "query analyze", "query instant", "query labels",
                "query range", "query series"), names);
    }
}

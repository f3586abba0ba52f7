package io.promethium.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.glassfish.jersey.server.model.Resource;
import org.junit.jupiter.api.Test;

class RoutesContainerTest {

    @Path("greeting")
    static class WithSubResources {
        @GET
        public String get() {
            return "";
        }

        @GET
        @Path("{name}")
        public String named() {
            return "";
        }
    }

    @Path("/api/v1/status/")
    static class LiteralOnly {
        @GET
        public String get() {
            return "";
        }
    }

    @Path("things/{id}/parts")
    static class TemplateInside {
        @GET
        public String get() {
            return "";
        }
    }

    @Path("{anything}")
    static class TemplateFirst {
        @GET
        public String get() {
            return "";
        }
    }

    @Test
    void applicationPathsBecomeBasesWithoutTrailingSlash() {
        assertThat(RoutesContainer.basePath("/*")).isEmpty();
        assertThat(RoutesContainer.basePath("/")).isEmpty();
        assertThat(RoutesContainer.basePath("/myapp/*")).isEqualTo("/myapp");
        assertThat(RoutesContainer.basePath("myapp/")).isEqualTo("/myapp");
    }

    @Test
    void aResourceWithSubResourcesTakesItsPathAndBelow() {
        assertThat(RoutesContainer.mountOf("", Resource.from(WithSubResources.class)))
                .isEqualTo(new RoutesContainer.Mount("/greeting", false));
        assertThat(RoutesContainer.mountOf("/myapp", Resource.from(WithSubResources.class)))
                .isEqualTo(new RoutesContainer.Mount("/myapp/greeting", false));
    }

    @Test
    void aLiteralResourceWithoutSubResourcesTakesItsExactPathOnly() {
        assertThat(RoutesContainer.mountOf("", Resource.from(LiteralOnly.class)))
                .isEqualTo(new RoutesContainer.Mount("/api/v1/status", true));
    }

    @Test
    void aTemplateCutsThePathAtTheSegmentBeforeIt() {
        assertThat(RoutesContainer.mountOf("", Resource.from(TemplateInside.class)))
                .isEqualTo(new RoutesContainer.Mount("/things", false));
    }

    @Test
    void aPathStartingWithATemplateIsOnlyServedUnderAnApplicationBase() {
        assertThat(RoutesContainer.mountOf("", Resource.from(TemplateFirst.class))).isNull();
        assertThat(RoutesContainer.mountOf("/myapp", Resource.from(TemplateFirst.class)))
                .isEqualTo(new RoutesContainer.Mount("/myapp", false));
    }
}

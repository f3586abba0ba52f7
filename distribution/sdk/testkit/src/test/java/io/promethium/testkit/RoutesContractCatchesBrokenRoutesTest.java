package io.promethium.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.web.HttpExchange;
import io.promethium.api.web.HttpRoutes;
import java.io.IOException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The routes base passes a well-behaved route and fails each deliberately broken one. */
class RoutesContractCatchesBrokenRoutesTest {

    /** {@code GET /greeting/hello?name=x}: 200; no name: 400; any other path below: 404. */
    @Tag(Launch.CASE)
    static class Greeting implements HttpRoutes {
        private final String prefix;

        Greeting(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public String pathPrefix() {
            return prefix;
        }

        @Override
        public void handle(HttpExchange ex) throws IOException {
            if (!ex.subPath().equals("/hello")) {
                ex.respond(404, "text/plain", "not found\n");
                return;
            }
            String name = ex.queryParameter("name").orElse(null);
            if (name == null) {
                ex.respond(400, "text/plain", "the query parameter name is missing\n");
                return;
            }
            ex.respond(200, "text/plain", "hello " + name + "\n");
        }
    }

    @Tag(Launch.CASE)
    abstract static class Base extends AbstractHttpRoutesContractTest {
        @Override
        protected Request goodRequest() {
            return Request.get("/greeting/hello?name=ann");
        }

        @Override
        protected Request badRequest() {
            return Request.get("/greeting/hello");
        }
    }

    @Tag(Launch.CASE)
    static class Good extends Base {
        @Override
        protected HttpRoutes routes() {
            return new Greeting("/greeting");
        }
    }

    /** Throws on bad input: the server answers 500. */
    @Tag(Launch.CASE)
    static class ThrowsOnBadInput extends Base {
        @Override
        protected HttpRoutes routes() {
            return new Greeting("/greeting") {
                @Override
                public void handle(HttpExchange ex) throws IOException {
                    if (ex.subPath().equals("/hello")) {
                        ex.queryParameter("name").orElseThrow();
                    }
                    super.handle(ex);
                }
            };
        }
    }

    /** Answers everything below its prefix with 200. */
    @Tag(Launch.CASE)
    static class AnswersEveryPath extends Base {
        @Override
        protected HttpRoutes routes() {
            return new Greeting("/greeting") {
                @Override
                public void handle(HttpExchange ex) throws IOException {
                    ex.respond(ex.queryParameter("name").isPresent() || !ex.subPath().equals("/hello") ? 200 : 400, "text/plain", "ok\n");
                }
            };
        }
    }

    /** Takes a prefix above the server's own endpoints. */
    @Tag(Launch.CASE)
    static class HidesTheServersApi extends Base {
        @Override
        protected HttpRoutes routes() {
            return new Greeting("/api/v1") {
                @Override
                public void handle(HttpExchange ex) throws IOException {
                    ex.respond(ex.queryParameter("name").isPresent() ? 200 : 400, "text/plain", "x\n");
                }
            };
        }

        @Override
        protected Request goodRequest() {
            return Request.get("/api/v1/hello?name=ann");
        }
    }

    /** Keeps per-request state in a field: concurrent requests see each other's. */
    @Tag(Launch.CASE)
    static class SharedState extends Base {
        @Override
        protected HttpRoutes routes() {
            return new Greeting("/greeting") {
                private String current;

                @Override
                public void handle(HttpExchange ex) throws IOException {
                    current = ex.queryParameter("name").orElse(null);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    String mine = ex.queryParameter("name").orElse(null);
                    if (mine != null && !mine.equals(current)) {
                        throw new IllegalStateException("another request changed the state");
                    }
                    super.handle(ex);
                }
            };
        }

        private final java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        protected Request goodRequest() {
            return Request.get("/greeting/hello?name=u" + n.incrementAndGet());
        }
    }

    @Test
    void aWellBehavedRoutePassesEveryCheck() {
        assertThat(Launch.failed(Good.class)).isEmpty();
    }

    @Test
    void eachBrokenRouteFailsTheCheckOfWhatItBreaks() {
        assertThat(Launch.failed(ThrowsOnBadInput.class)).containsExactly("aBadRequestIsAClientErrorNotAServerError");
        assertThat(Launch.failed(AnswersEveryPath.class)).containsExactly("aPathBelowThePrefixThatIsNotServedIsNotFound");
        assertThat(Launch.failed(HidesTheServersApi.class)).contains("thePrefixIsAPathTheServerCanMount");
        assertThat(Launch.failed(SharedState.class)).containsExactly("concurrentRequestsAreAllAnswered");
    }
}

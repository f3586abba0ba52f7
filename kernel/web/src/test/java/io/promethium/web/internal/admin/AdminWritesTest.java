package io.promethium.web.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.web.internal.server.HttpServer;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Who may install code: the admin API flag, and authentication or loopback-only listeners. */
class AdminWritesTest {

    private static List<InetSocketAddress> listen(String... addresses) {
        return java.util.Arrays.stream(addresses).map(HttpServer::parseAddress).toList();
    }

    @Test
    void loopbackOnlyListenersOrAuthenticationAllowPluginActionsWithTheAdminApi() {
        assertThat(AdminWrites.decide(true, false, listen("127.0.0.1:9090")).allowed()).isTrue();
        assertThat(AdminWrites.decide(true, false, listen("localhost:9090", "[::1]:9091")).allowed()).isTrue();
        assertThat(AdminWrites.decide(true, true, listen("0.0.0.0:9090")).allowed()).isTrue();
    }

    @Test
    void eachMissingConditionIsNamed() {
        AdminWrites noFlag = AdminWrites.decide(false, true, listen("127.0.0.1:9090"));
        assertThat(noFlag.refusal()).contains("--web.enable-admin-api").doesNotContain("authentication");

        AdminWrites open = AdminWrites.decide(true, false, listen("127.0.0.1:9090", ":9091", "0.0.0.0:9092"));
        assertThat(open.allowed()).isFalse();
        assertThat(open.refusal()).contains("no authentication is configured").contains("basic_auth_users in --web.config.file")
                .contains(":9091, 0.0.0.0:9092").doesNotContain("127.0.0.1:9090,").doesNotContain("--web.enable-admin-api");

        assertThat(AdminWrites.decide(false, false, listen(":9090")).refusal())
                .contains("--web.enable-admin-api").contains("no authentication");
    }

    @Test
    void theAdminApiIsToldTheFlagAndTheRefusal() {
        AdminWrites open = AdminWrites.decide(true, false, listen("0.0.0.0:9090"));
        assertThat(open.access(true).enabled()).isTrue();
        assertThat(open.access(true).writesRefusal()).isEqualTo(open.refusal()).contains("no authentication is configured");
        assertThat(AdminWrites.decide(false, true, listen(":9090")).access(false).enabled()).isFalse();
    }
}

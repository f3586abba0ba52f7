package io.promethium.tsdb.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StorageModeComponentTest {

    @Test
    void theAgentFlagEnablesTheAgentComponentAndOtherwiseTheTsdb() {
        assertThat(StorageModeComponent.componentFor("true")).isEqualTo(AgentComponent.class.getName());
        assertThat(StorageModeComponent.componentFor(null)).isEqualTo(TsdbComponent.class.getName());
        assertThat(StorageModeComponent.componentFor("false")).isEqualTo(TsdbComponent.class.getName());
    }
}

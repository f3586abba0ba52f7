package io.promethium.goformat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class GoAddressesTest {

    @Test
    void ipv6IsPrintedAsGoPrintsIt() throws Exception {
        assertThat(GoAddresses.format(InetAddress.getByName("fd00:0:0:0:0:0:0:11"))).isEqualTo("fd00::11");
        assertThat(GoAddresses.format(InetAddress.getByName("::1"))).isEqualTo("::1");
        assertThat(GoAddresses.format(InetAddress.getByName("::"))).isEqualTo("::");
        assertThat(GoAddresses.format(InetAddress.getByName("2001:db8:0:1:0:0:0:1"))).isEqualTo("2001:db8:0:1::1");
        assertThat(GoAddresses.format(InetAddress.getByName("2001:db8:0:1:1:1:1:1"))).isEqualTo("2001:db8:0:1:1:1:1:1");
    }

    @Test
    void aSingleZeroGroupIsNotShortenedAndTheFirstLongestRunIs() throws Exception {
        assertThat(GoAddresses.format(InetAddress.getByName("2001:db8:0:1:1:1:1:1"))).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(GoAddresses.format(InetAddress.getByName("1:0:0:2:0:0:3:4"))).isEqualTo("1::2:0:0:3:4");
        assertThat(GoAddresses.format(InetAddress.getByName("1:0:0:2:0:0:0:4"))).isEqualTo("1:0:0:2::4");
    }

    @Test
    void ipv4IsDotted() throws Exception {
        assertThat(GoAddresses.format(InetAddress.getByName("10.0.0.1"))).isEqualTo("10.0.0.1");
    }

    @Test
    void bytesThatAreNotAnIpv6AddressAreRefused() {
        assertThatThrownBy(() -> GoAddresses.ipv6(new byte[4])).hasMessageContaining("16 bytes, not 4");
    }
}

package org.openworldchat.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AddressKeysTest {

    private final AddressKeys keys = new AddressKeys("a-server-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8));

    @Test
    void theKeyNamesNeitherTheAddressNorItsNetwork() throws Exception {
        AddressKey key = keys.of(InetAddress.getByName("192.0.2.77"));
        assertThat(key.host()).doesNotContain("192").doesNotContain("77").hasSize(22);
        assertThat(key.network()).isEmpty();
        assertThat(key.toString()).doesNotContain(key.host());
    }

    @Test
    void theSameAddressHasTheSameKeyAndAnotherAnother() throws Exception {
        assertThat(keys.of(InetAddress.getByName("192.0.2.1"))).isEqualTo(keys.of(InetAddress.getByName("192.0.2.1")));
        assertThat(keys.of(InetAddress.getByName("192.0.2.1")).host())
                .isNotEqualTo(keys.of(InetAddress.getByName("192.0.2.2")).host());
    }

    @Test
    void anotherSecretGivesOtherKeys() throws Exception {
        AddressKeys other = new AddressKeys("another-server-secret-of-32-bytes-or-more".getBytes(StandardCharsets.UTF_8));
        InetAddress address = InetAddress.getByName("192.0.2.1");
        assertThat(other.of(address).host()).isNotEqualTo(keys.of(address).host());
    }

    @Test
    void ipv6AddressesOfOneSlash64ShareTheirNetworkKeyOnly() throws Exception {
        AddressKey a = keys.of(InetAddress.getByName("2001:db8:1:2::1"));
        AddressKey b = keys.of(InetAddress.getByName("2001:db8:1:2:ffff::9"));
        AddressKey c = keys.of(InetAddress.getByName("2001:db8:1:3::1"));
        assertThat(a.host()).isNotEqualTo(b.host());
        assertThat(a.network()).isPresent().isEqualTo(b.network());
        assertThat(a.network()).isNotEqualTo(c.network());
    }

    @Test
    void anIpv4MappedAddressIsItsIpv4Address() throws Exception {
        InetAddress mapped = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 1});
        assertThat(keys.of(mapped)).isEqualTo(keys.of(InetAddress.getByName("192.0.2.1")));
    }
}

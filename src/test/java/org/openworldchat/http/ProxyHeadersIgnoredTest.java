package org.openworldchat.http;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.TestApp;

/** Without TRUST_PROXY a client cannot dodge the socket limit by inventing X-Forwarded-For. */
class ProxyHeadersIgnoredTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass(Map.of("MAX_SOCKETS_PER_IP", "2"));

    @Test
    void forwardedForIsNotBelieved() {
        List<ChatClient> open = new ArrayList<>();
        try {
            open.add(ChatClient.connect(app.baseUrl(), Map.of("X-Forwarded-For", "192.0.2.1"), "websocket"));
            open.add(ChatClient.connect(app.baseUrl(), Map.of("X-Forwarded-For", "192.0.2.2"), "websocket"));
            assertThatThrownBy(() -> ChatClient.connect(app.baseUrl(), Map.of("X-Forwarded-For", "192.0.2.3"), "websocket"))
                    .isInstanceOf(IllegalStateException.class);
        } finally {
            open.forEach(ChatClient::close);
        }
    }
}

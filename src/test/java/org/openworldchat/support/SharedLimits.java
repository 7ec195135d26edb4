package org.openworldchat.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

/** Checks that rate limits are shared between two nodes of one cluster. */
public final class SharedLimits {

    private SharedLimits() {
    }

    /**
     * One guest with a tab on each node spends one message allowance ({@code allowance}, even),
     * half through each tab; the next message is refused on both nodes.
     */
    public static void assertOneAllowance(TestApp first, TestApp second, String username, int allowance) {
        String cookie = Http.cookiePair(first.http().get("/api/session").header("set-cookie"));
        try (ChatClient tab1 = ChatClient.connect(first.baseUrl(), cookie);
             ChatClient tab2 = ChatClient.connect(second.baseUrl(), cookie)) {
            tab1.setUsername(username);
            for (int i = 0; i < allowance / 2; i++) {
                tab1.send("one" + i);
                tab2.send("two" + i);
            }
            assertThat(ChatClient.errorCode(tab1.emit("SEND_MESSAGE", Map.of("content", "x")))).isEqualTo("RATE_LIMITED");
            assertThat(ChatClient.errorCode(tab2.emit("SEND_MESSAGE", Map.of("content", "x")))).isEqualTo("RATE_LIMITED");
        }
    }
}

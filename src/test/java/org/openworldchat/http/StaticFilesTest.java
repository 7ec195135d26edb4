package org.openworldchat.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.contract.ChatException;
import org.openworldchat.ratelimit.AddressKey;
import org.openworldchat.support.Http;
import org.openworldchat.support.TestApp;

/** The page's files: what a request for a name that does not exist leaves behind. */
class StaticFilesTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @Test
    void namesThatDoNotExistAreNotKept() throws Exception {
        StaticFiles.Directory js = (StaticFiles.Directory) StaticFiles.directory("/js/");
        int files = js.cachedFiles();
        assertThat(files).as("the folder's files, read at start").isGreaterThan(1);
        assertThat(js.handle(get("/js/main.js")).status().code()).isEqualTo(200);
        for (int i = 0; i < 5_000; i++) {
            String missing = "/js/" + UUID.randomUUID() + ".js";
            assertThatThrownBy(() -> js.handle(get(missing))).isInstanceOf(ChatException.class);
        }
        assertThat(js.cachedFiles()).as("only the files that exist are kept").isEqualTo(files);
        assertThat(js.handle(get("/js/main.js")).status().code()).isEqualTo(200);
    }

    @Test
    void missingFilesAre404InEveryFolderAndRealOnesStillServed() {
        for (String folder : new String[] {"/js/", "/css/", "/img/", "/vendor/"}) {
            Http.Reply missing = app.http().get(folder + "no-such-" + UUID.randomUUID() + ".js");
            assertThat(missing.status()).as(folder).isEqualTo(404);
            assertThat(missing.json().at("/error/code").asText()).isEqualTo("NOT_FOUND");
        }
        assertThat(app.http().get("/js/main.js").status()).isEqualTo(200);
        assertThat(app.http().get("/css/chat.css").status()).isEqualTo(200);
    }

    private static HttpCall get(String path) {
        return new HttpCall(HttpMethod.GET, path, Map.of(), new DefaultHttpHeaders(), new byte[0],
                new AddressKey("test", Optional.empty()));
    }
}

package org.openworldchat.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TestImages;

/** The chat as people use it, in two real headless Chromium browsers (two guests) at once. */
class WebChatTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    private static final AtomicInteger NAMES = new AtomicInteger();

    @BeforeAll
    static void needsChromium() {
        Browser.assumeAvailable();
        Browser.warmUp(2);
    }

    private static String name(String base) {
        return base + NAMES.incrementAndGet();
    }

    @Test
    void twoBrowsersChatAndTheFirstSendAsksForAName() throws Exception {
        try (Browser alice = Browser.open(app.baseUrl()); Browser bob = Browser.open(app.baseUrl())) {
            alice.awaitLive();
            bob.awaitLive();
            String aliceName = name("alice");
            String bobName = name("bob");

            alice.send("hello from alice");
            WebElement field = alice.nameDialog();
            assertThat(field.getDomProperty("value")).as("prefilled with defaultUsername").matches("Guest_[0-9A-F]{4}");
            assertThat(stored("hello from alice")).as("nothing goes out before a name is chosen").isZero();
            field.clear();
            field.sendKeys(aliceName, Keys.ENTER);

            WebElement atBob = bob.message("hello from alice");
            assertThat(atBob.findElement(By.cssSelector(".msg-author")).getText()).isEqualTo(aliceName);
            assertThat(atBob.getDomAttribute("class")).doesNotContain("own");
            assertThat(alice.message("hello from alice").getDomAttribute("class")).contains("own");
            assertThat(alice.find("#message-input").getDomProperty("value")).isEmpty();

            bob.send("hi alice, bob here");
            WebElement bobField = bob.nameDialog();
            bobField.clear();
            bobField.sendKeys(bobName, Keys.ENTER);
            alice.message("hi alice, bob here");

            alice.send("no dialog the second time");
            bob.message("no dialog the second time");
            assertThat(alice.find("#username-dialog").isDisplayed()).isFalse();

            for (Browser b : List.of(alice, bob)) {
                b.await("the online count", d -> b.find("#online-count").getText().equals("2 online"));
                for (String text : List.of("hello from alice", "hi alice, bob here", "no dialog the second time")) {
                    assertThat(b.count(text)).as("shown once: %s", text).isEqualTo(1);
                }
                assertThat(b.errors()).as("console errors and CSP violations").isEmpty();
            }
            assertThat(stored("hello from alice")).isEqualTo(1);
        }
    }

    @Test
    void aReplyAReactionAndAnImageGoRoundTrip() throws Exception {
        try (Browser alice = Browser.open(app.baseUrl()); Browser bob = Browser.open(app.baseUrl())) {
            String aliceName = name("alice");
            alice.chooseName(aliceName);
            bob.chooseName(name("bob"));

            // A reply, chosen with the keyboard alone.
            alice.send("what do you think of this?");
            bob.message("what do you think of this?").findElement(By.cssSelector("[data-action=reply]")).sendKeys(Keys.ENTER);
            assertThat(bob.find("#reply-bar").isDisplayed()).isTrue();
            assertThat(bob.find("#reply-bar").getText()).contains(aliceName, "what do you think of this?");
            bob.send("looks great");
            WebElement reply = alice.message("looks great");
            WebElement quote = reply.findElement(By.cssSelector(".quote"));
            assertThat(quote.findElement(By.cssSelector(".quote-author")).getText()).isEqualTo(aliceName);
            assertThat(quote.findElement(By.cssSelector(".quote-text")).getText()).isEqualTo("what do you think of this?");
            assertThat(bob.find("#reply-bar").isDisplayed()).isFalse();

            // A reaction from the picker, with the keyboard: the sixth emoji is the fire.
            reply.findElement(By.cssSelector("[data-action=react]")).sendKeys(Keys.ENTER);
            alice.await("the picker", d -> alice.find("#reaction-picker").isDisplayed());
            alice.driver().switchTo().activeElement().sendKeys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT,
                    Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ENTER);
            WebElement chipAtBob = chip(bob, "looks great", "🔥", "1");
            assertThat(chipAtBob.getDomAttribute("aria-pressed")).as("not bob's own").isEqualTo("false");
            assertThat(chip(alice, "looks great", "🔥", "1").getDomAttribute("aria-pressed")).isEqualTo("true");
            chipAtBob.click();
            assertThat(chip(alice, "looks great", "🔥", "2").getDomAttribute("aria-pressed")).isEqualTo("true");
            assertThat(chip(bob, "looks great", "🔥", "2").getDomAttribute("aria-pressed")).isEqualTo("true");
            chip(alice, "looks great", "🔥", "2").sendKeys(Keys.ENTER);
            assertThat(chip(alice, "looks great", "🔥", "1").getDomAttribute("aria-pressed")).as("toggled off").isEqualTo("false");
            assertThat(alice.driver().switchTo().activeElement().getDomAttribute("data-emoji"))
                    .as("the keyboard focus stays on the rebuilt chip").isEqualTo("🔥");
            WebElement lastFire = chip(bob, "looks great", "🔥", "1");
            assertThat(lastFire.getDomAttribute("aria-pressed")).isEqualTo("true");
            // Bob takes the last 🔥 away while Alice's focus is on it: her focus moves to the message's React button.
            lastFire.click();
            alice.await("the 🔥 chip gone", d -> alice.message("looks great").findElements(By.cssSelector(".chip")).isEmpty());
            assertThat(alice.driver().switchTo().activeElement().getDomAttribute("data-action")).isEqualTo("react");

            // An image: generated here, chosen through the page's file input, previewed, uploaded, sent.
            Path picture = Files.createTempFile("owc-picture", ".png");
            Files.write(picture, TestImages.png(200, 400));
            alice.find("#image-input").sendKeys(picture.toString());
            alice.await("the upload", d -> alice.find("#attachment-status").getText().equals("Ready to send · 200 × 400"));
            assertThat(alice.find("#attachment-preview").getDomProperty("src")).startsWith("blob:");
            alice.send("a tall picture");
            WebElement image = bob.message("a tall picture").findElement(By.cssSelector(".msg-image img"));
            bob.await("the image to load", d -> ((Long) bob.script("return arguments[0].naturalWidth", image)) == 200);
            assertThat(image.getDomAttribute("src")).startsWith(app.baseUrl() + "/uploads/");
            assertThat(image.getDomAttribute("width")).isEqualTo("320");
            assertThat(image.getDomAttribute("height")).isEqualTo("240");
            assertThat(bob.script("const r = arguments[0].getBoundingClientRect(); return [r.width, r.height]",
                    image.findElement(By.xpath(".."))))
                    .as("the frame is reserved whatever the picture's size: no jump when it loads")
                    .isEqualTo(List.of(320L, 240L));
            assertThat(alice.find("#attachment").isDisplayed()).isFalse();

            // A refused upload shows the server's own message.
            Path notAnImage = Files.createTempFile("owc-not-an-image", ".png");
            Files.writeString(notAnImage, "just some text pretending", StandardCharsets.UTF_8);
            alice.find("#image-input").sendKeys(notAnImage.toString());
            alice.await("the refusal", d -> alice.find("#attachment-status").getText()
                    .equals("Only JPEG, PNG and WebP images are accepted"));
            alice.find("#attachment-remove").click();
            Files.delete(picture);
            Files.delete(notAnImage);

            assertThat(alice.errors()).as("console errors and CSP violations").isEmpty();
            assertThat(bob.errors()).as("console errors and CSP violations").isEmpty();
        }
    }

    @Test
    void aReplyToAnExpiredMessageSaysSo() throws Exception {
        try (Chatter carol = Chatter.named(app, name("carol"))) {
            JsonNode parent = carol.say("this one will be gone");
            carol.reply(parent, "answer to a vanished message");
            try (Connection sql = app.sql();
                 PreparedStatement backdate = sql.prepareStatement(
                         "UPDATE messages SET created_at = created_at - interval '25 hours' WHERE id = ?")) {
                backdate.setObject(1, UUID.fromString(parent.get("id").asText()));
                assertThat(backdate.executeUpdate()).isEqualTo(1);
            }
            try (Browser reader = Browser.open(app.baseUrl())) {
                WebElement answer = reader.awaitLive().message("answer to a vanished message");
                WebElement quote = answer.findElement(By.cssSelector(".quote"));
                assertThat(quote.getDomAttribute("class")).contains("expired");
                assertThat(quote.getText()).isEqualTo("The original message has expired");
                assertThat(reader.count("this one will be gone")).isZero();
                assertThat(answer.findElement(By.cssSelector(".msg-ttl")).getText()).matches("2[34]h left");
            }
        }
    }

    @Test
    void markupInAMessageIsShownAsText() throws Exception {
        String payload = "<img src=x onerror=\"window.__xss=1\">";
        try (Browser alice = Browser.open(app.baseUrl()); Browser bob = Browser.open(app.baseUrl())) {
            alice.chooseName(name("alice"));
            bob.chooseName(name("bob"));
            alice.send(payload);
            WebElement atBob = bob.message(payload);
            assertThat(atBob.findElement(By.cssSelector(".msg-text")).getText()).isEqualTo(payload);

            atBob.findElement(By.cssSelector("[data-action=reply]")).sendKeys(Keys.ENTER);
            bob.send("that is not an image");
            WebElement quote = alice.message("that is not an image").findElement(By.cssSelector(".quote-text"));
            assertThat(quote.getText()).isEqualTo(payload);

            for (Browser b : List.of(alice, bob)) {
                assertThat(b.script("return typeof window.__xss")).isEqualTo("undefined");
                assertThat(b.findAll("img[src='x']")).isEmpty();
                assertThat(b.errors()).isEmpty();
            }
        }
    }

    @Test
    void scrollingUpLoadsOlderMessages() throws Exception {
        try (Chatter dora = Chatter.named(app, name("dora"))) {
            for (int i = 1; i <= 130; i++) {
                dora.say("history " + i);
            }
            try (Browser reader = Browser.open(app.baseUrl(), 1000, 700)) {
                reader.awaitLive().message("history 130");
                assertThat(reader.count("history 60")).as("only the newest page at first").isZero();
                reader.await("every older page", d -> {
                    reader.script("document.getElementById('scroller').scrollTop = 0");
                    return reader.find("#history-note").isDisplayed();
                });
                @SuppressWarnings("unchecked")
                List<String> shown = (List<String>) reader.script("return [...document.querySelectorAll('#messages .msg-text')]"
                        + ".map(p => p.textContent).filter(t => t.startsWith('history '))");
                assertThat(shown).as("all of them, once, oldest first")
                        .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 130)
                                .mapToObj(i -> "history " + i).toList());
                assertThat(reader.errors()).isEmpty();
            }
        }
    }

    /** The reaction chip on a message, once it shows {@code count}. */
    private static WebElement chip(Browser browser, String message, String emoji, String count) {
        return browser.await(emoji + " " + count + " on \"" + message + "\"", d -> browser.message(message)
                .findElements(By.cssSelector(".chip")).stream()
                .filter(c -> c.getDomAttribute("data-emoji").equals(emoji)
                        && c.findElement(By.cssSelector(".chip-count")).getText().equals(count))
                .findFirst().orElse(null));
    }

    private static int stored(String content) throws Exception {
        try (Connection sql = app.sql();
             PreparedStatement count = sql.prepareStatement("SELECT count(*) FROM messages WHERE content = ?")) {
            count.setString(1, content);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}

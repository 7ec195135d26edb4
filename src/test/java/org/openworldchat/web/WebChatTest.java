package org.openworldchat.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openworldchat.support.ChatClient;
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
            assertThat(field.getDomProperty("value")).as("prefilled with this guest's defaultUsername")
                    .isEqualTo(session(alice).get("defaultUsername").asText());
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
    void theFirstReactionAsksForANameToo() throws Exception {
        String text = "react to this " + NAMES.incrementAndGet();
        try (Chatter erin = Chatter.named(app, name("erin")); Browser reader = Browser.open(app.baseUrl())) {
            erin.say(text);
            WebElement message = reader.awaitLive().message(text);
            JsonNode guest = session(reader);
            assertThat(guest.get("username").isNull()).as("a fresh guest, no name yet").isTrue();

            message.findElement(By.cssSelector("[data-action=react]")).click();
            reader.await("the picker", d -> reader.find("#reaction-picker").isDisplayed());
            reader.find("#reaction-picker [data-emoji='👍']").click();
            WebElement field = reader.nameDialog();
            assertThat(field.getDomProperty("value")).as("prefilled with this guest's defaultUsername")
                    .isEqualTo(guest.get("defaultUsername").asText());
            assertThat(reactions(text)).as("nothing goes out before a name is chosen").isEmpty();

            String readerName = name("reader");
            field.clear();
            field.sendKeys(readerName, Keys.ENTER);
            assertThat(reader.chip(text, "👍", "1").getDomAttribute("aria-pressed")).as("the reaction went out").isEqualTo("true");
            assertThat(reader.find("#me-name").getText()).isEqualTo(readerName);
            assertThat(reactions(text)).as("stored as this guest's").isEqualTo(Map.of("👍", List.of(guest.get("guestId").asText())));
            assertThat(reader.errors()).as("console errors and CSP violations").isEmpty();
        }
    }

    /**
     * Message objects list only the first 10 reactors of an emoji. The page counts from
     * {@code reactionCounts}, presses its own chips from {@code myReactions} (after a reload too,
     * when it is the 12th reactor) and follows the deltas of others.
     */
    @Test
    void aReactionWithMoreReactorsThanListedKeepsItsCountAndTheReadersOwnChip() throws Exception {
        String text = "a crowd likes this " + NAMES.incrementAndGet();
        List<Chatter> crowd = new java.util.ArrayList<>();
        try (Browser reader = Browser.open(app.baseUrl())) {
            for (int i = 0; i < 12; i++) {
                crowd.add(Chatter.named(app, name("crowd")));
            }
            JsonNode message = crowd.getFirst().say(text);
            for (Chatter c : crowd.subList(0, 11)) {
                c.react(message, "👍");
            }
            reader.chooseName(name("reader"));
            WebElement chip = reader.chip(text, "👍", "11");
            assertThat(chip.getDomAttribute("aria-pressed")).isEqualTo("false");
            chip.click();
            assertThat(reader.chip(text, "👍", "12").getDomAttribute("aria-pressed")).as("the reader's own").isEqualTo("true");

            reader.driver().navigate().refresh();
            assertThat(reader.awaitLive().chip(text, "👍", "12").getDomAttribute("aria-pressed"))
                    .as("after a reload: the 12th reactor is not among those listed, and knows its own").isEqualTo("true");
            crowd.getLast().react(message, "👍");
            assertThat(reader.chip(text, "👍", "13").getDomAttribute("aria-pressed")).as("a delta of another guest")
                    .isEqualTo("true");
            crowd.getFirst().react(message, "👍");
            assertThat(reader.chip(text, "👍", "12").getDomAttribute("aria-pressed")).isEqualTo("true");
            assertThat(reactions(text).get("👍")).as("every reactor is stored").hasSize(12);

            Cookie own = reader.driver().manage().getCookieNamed("owc_guest");
            try (ChatClient otherTab = ChatClient.connect(
                    app.baseUrl(), own.getName() + "=" + own.getValue())) {
                ChatClient.ok(otherTab.emit("SEND_REACTION",
                        Map.of("messageId", message.get("id").asText(), "emoji", "🎉")));
            }
            assertThat(reader.chip(text, "🎉", "1").getDomAttribute("aria-pressed"))
                    .as("the guest's reaction from another tab is its own here too").isEqualTo("true");
            assertThat(reader.errors()).as("console errors and CSP violations").isEmpty();
        } finally {
            crowd.forEach(Chatter::close);
        }
    }

    @Test
    void aSlowUploadShowsItsProgress() throws Exception {
        Path picture = Files.createTempFile("owc-noise", ".png");
        byte[] png = noisePng(600, 600);
        Files.write(picture, png);
        try (Browser alice = Browser.open(app.baseUrl())) {
            alice.chooseName(name("alice"));
            // About four seconds for the picture: long enough to see it on its way.
            alice.throttleUploads(png.length / 4);
            alice.find("#image-input").sendKeys(picture.toString());

            Pattern uploading = Pattern.compile("Uploading… (\\d+)%");
            int percent = alice.await("an upload percentage between 0 and 100", d -> {
                Matcher m = uploading.matcher(alice.find("#attachment-status").getText());
                return m.matches() && Integer.parseInt(m.group(1)) > 0 && Integer.parseInt(m.group(1)) < 100
                        ? Integer.parseInt(m.group(1)) : null;
            });
            WebElement progress = alice.find("#attachment-progress");
            assertThat(progress.isDisplayed()).isTrue();
            assertThat(Integer.parseInt(progress.getDomProperty("value"))).as("the bar moves with the text")
                    .isGreaterThanOrEqualTo(percent).isLessThanOrEqualTo(100);
            assertThat(alice.find("#send-button").isEnabled()).as("no sending while the image uploads").isFalse();

            alice.await("the upload to finish", d -> alice.find("#attachment-status").getText().equals("Ready to send · 600 × 600"));
            assertThat(progress.isDisplayed()).isFalse();
            alice.send("a noisy picture");
            WebElement image = alice.message("a noisy picture").findElement(By.cssSelector(".msg-image img"));
            assertThat(image.getDomAttribute("src")).startsWith(app.baseUrl() + "/uploads/");
            assertThat(alice.errors()).as("console errors and CSP violations").isEmpty();
        } finally {
            Files.delete(picture);
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
            WebElement chipAtBob = bob.chip("looks great", "🔥", "1");
            assertThat(chipAtBob.getDomAttribute("aria-pressed")).as("not bob's own").isEqualTo("false");
            assertThat(alice.chip("looks great", "🔥", "1").getDomAttribute("aria-pressed")).isEqualTo("true");
            chipAtBob.click();
            assertThat(alice.chip("looks great", "🔥", "2").getDomAttribute("aria-pressed")).isEqualTo("true");
            assertThat(bob.chip("looks great", "🔥", "2").getDomAttribute("aria-pressed")).isEqualTo("true");
            alice.chip("looks great", "🔥", "2").sendKeys(Keys.ENTER);
            assertThat(alice.chip("looks great", "🔥", "1").getDomAttribute("aria-pressed")).as("toggled off").isEqualTo("false");
            assertThat(alice.driver().switchTo().activeElement().getDomAttribute("data-emoji"))
                    .as("the keyboard focus stays on the rebuilt chip").isEqualTo("🔥");
            WebElement lastFire = bob.chip("looks great", "🔥", "1");
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

    /** What {@code GET /api/session} says of the page's guest, asked with the page's own (HttpOnly) cookie. */
    private static JsonNode session(Browser page) {
        Cookie cookie = page.await("the guest cookie", d -> d.manage().getCookieNamed("owc_guest"));
        return app.http().get("/api/session", "Cookie", cookie.getName() + "=" + cookie.getValue()).json();
    }

    /** The stored reactions of the message {@code content}: emoji to the guest ids, in order. */
    private static Map<String, List<String>> reactions(String content) throws Exception {
        try (Connection sql = app.sql();
             PreparedStatement select = sql.prepareStatement("SELECT reactions::text FROM messages WHERE content = ?")) {
            select.setString(1, content);
            try (ResultSet rs = select.executeQuery()) {
                assertThat(rs.next()).as("stored: %s", content).isTrue();
                return new ObjectMapper().readValue(rs.getString(1), new TypeReference<>() { });
            }
        }
    }

    /** A PNG of random pixels, which does not compress: about three bytes a pixel. */
    private static byte[] noisePng(int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(42);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
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

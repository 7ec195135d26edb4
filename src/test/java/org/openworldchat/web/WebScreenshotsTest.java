package org.openworldchat.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openworldchat.support.TestApp;

/**
 * The page's main states, photographed: a lively chat on a desktop, in dark mode and on a phone,
 * the name dialog, and a lost connection. Also checks what a screenshot alone would not: no
 * horizontal scrolling on a phone, and no console errors or CSP violations. The pictures go to
 * {@code target/screenshots}, or to the folder named by {@code -Dowc.screenshots=docs/screenshots}.
 */
class WebScreenshotsTest {

    private static final Path OUT = Path.of(System.getProperty("owc.screenshots", "target/screenshots"));

    @BeforeAll
    static void needsChromium() {
        Browser.assumeAvailable();
        Browser.warmUp(2);
    }

    @Test
    void mainStates() throws Exception {
        try (TestApp app = TestApp.start()) {
            try (Chatter amara = Chatter.named(app, "Amara");
                 Chatter jonas = Chatter.named(app, "Jonas");
                 Chatter mei = Chatter.named(app, "Mei");
                 Chatter luca = Chatter.named(app, "Luca")) {
                JsonNode morning = amara.say("Good morning from Lagos ☀️ Who else is up?");
                jonas.say("Evening here in Berlin. Just closed the laptop for the day.");
                JsonNode first = mei.say("Hi all! First time here. Is it really just one room for everyone?");
                JsonNode answer = amara.reply(first, "Yep, one room for the whole world, and everything fades after a day. Keeps it light.");
                mei.react(answer, "👍");
                jonas.react(answer, "👍");
                JsonNode view = luca.sayWithImage("The view from my balcony in Lisbon tonight", sunset(800, 600));
                for (Chatter g : List.of(amara, jonas, mei)) {
                    g.react(view, "🔥");
                }
                amara.react(view, "❤️");
                jonas.reply(view, "That light! Now I need a holiday.");
                amara.react(morning, "☀️");

                try (Browser you = Browser.open(app.baseUrl(), 1280, 760);
                     Browser phone = Browser.openPhone(app.baseUrl(), 390, 844)) {
                    you.awaitLive().message("That light! Now I need a holiday.");
                    WebElement input = you.find("#message-input");
                    input.sendKeys("Hello from Montréal 👋");
                    input.sendKeys(Keys.ENTER);
                    WebElement name = you.await("the name dialog", d -> you.find("#username-input").isDisplayed()
                            ? you.find("#username-input") : null);
                    you.screenshot(OUT.resolve("username-dialog.png"));
                    name.clear();
                    name.sendKeys("Sam");
                    name.sendKeys(Keys.ENTER);
                    mei.react(idOf(you.message("Hello from Montréal 👋")), "👋");
                    mei.say("Welcome, Sam!");
                    // React to Luca's photo and start a reply, the way a person would: with the keyboard.
                    you.message("The view from my balcony in Lisbon tonight").findElement(By.cssSelector("[data-action=react]"))
                            .sendKeys(Keys.ENTER);
                    you.find("#reaction-picker [data-emoji='🔥']").sendKeys(Keys.ENTER);
                    you.await("own reaction", d -> you.findAll("li .chip.mine").size() == 1);
                    you.message("Welcome, Sam!").findElement(By.cssSelector("[data-action=reply]")).sendKeys(Keys.ENTER);
                    you.find("#message-input").sendKeys("Thanks! Lovely to be here");
                    settle(you);
                    you.screenshot(OUT.resolve("chat-desktop.png"));

                    you.emulateDarkMode();
                    settle(you);
                    you.message("Welcome, Sam!").findElement(By.cssSelector("[data-action=react]")).sendKeys(Keys.ENTER);
                    you.await("the reaction picker", d -> you.find("#reaction-picker").isDisplayed());
                    you.screenshot(OUT.resolve("chat-dark.png"));
                    you.driver().switchTo().activeElement().sendKeys(Keys.ESCAPE);

                    phone.awaitLive().message("Welcome, Sam!");
                    Path picture = Files.createTempFile("owc-screenshot", ".png");
                    Files.write(picture, sunset(640, 480));
                    phone.find("#image-input").sendKeys(picture.toString());
                    phone.await("the upload", d -> phone.find("#attachment-status").getText().startsWith("Ready to send"));
                    phone.find("#message-input").sendKeys("Same sky here, an hour later");
                    Files.delete(picture);
                    settle(phone);
                    assertThat((Boolean) phone.script("return document.documentElement.scrollWidth <= window.innerWidth"))
                            .as("no horizontal scrolling on a phone").isTrue();
                    phone.screenshot(OUT.resolve("chat-phone.png"));

                    you.emulateLightMode();
                    you.find("#reply-cancel").click();
                    you.find("#message-input").clear();
                    app.close();
                    you.await("the connection-lost banner", d -> you.find("#connection-banner").isDisplayed());
                    you.find("#message-input").sendKeys("Is anyone still there?", Keys.ENTER);
                    you.await("the message waiting in the outbox", d -> you.findAll("#outbox li").size() == 1);
                    settle(you);
                    you.screenshot(OUT.resolve("disconnected.png"));

                    assertThat(you.errors()).as("console errors and CSP violations").isEmpty();
                    assertThat(phone.errors()).as("console errors and CSP violations").isEmpty();
                }
            }
        }
    }

    /** Images loaded, nothing focused or hovered, the newest message in view. */
    private static void settle(Browser browser) throws InterruptedException {
        browser.await("images loaded", d -> (Boolean) browser.script(
                "return [...document.images].every(i => i.complete)"));
        browser.script("document.getElementById('scroller').scrollTop = 1e6");
        new Actions(browser.driver()).moveToLocation(1, 1).perform();
        Thread.sleep(100);
    }

    private static JsonNode idOf(WebElement message) {
        return JsonNodeFactory.instance.objectNode().put("id", message.getDomAttribute("data-id"));
    }

    /** A small generated picture: an evening sky over hills and the sea. */
    static byte[] sunset(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, new Color(58, 42, 120), 0, height * 0.62f, new Color(250, 150, 90)));
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(255, 214, 130));
        int sun = height / 4;
        g.fillOval(width * 3 / 5, (int) (height * 0.62) - sun / 2, sun, sun);
        g.setPaint(new GradientPaint(0, height * 0.62f, new Color(236, 120, 95), 0, height, new Color(40, 40, 90)));
        g.fillRect(0, (int) (height * 0.62), width, height);
        Path2D hills = new Path2D.Double();
        hills.moveTo(0, height * 0.7);
        hills.curveTo(width * 0.2, height * 0.52, width * 0.35, height * 0.64, width * 0.5, height * 0.72);
        hills.lineTo(width * 0.5, height);
        hills.lineTo(0, height);
        hills.closePath();
        g.setColor(new Color(34, 30, 60));
        g.fill(hills);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}

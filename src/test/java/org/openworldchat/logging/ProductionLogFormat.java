package org.openworldchat.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * What the production {@code logback.xml} writes for some events: its appender for one
 * {@code LOG_FORMAT}, configured from the very file the server ships, writing to a buffer instead
 * of the console.
 */
enum ProductionLogFormat {
    TEXT, JSON;

    /** The bytes the appender writes for {@code events}, in order. */
    String render(List<ILoggingEvent> events) {
        String name = name().toLowerCase(Locale.ROOT);
        LoggerContext context = new LoggerContext();
        context.putProperty("LOG_FORMAT", name);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(ProductionLogFormat.class.getResource("/logback.xml"));
        } catch (JoranException e) {
            throw new IllegalStateException("logback.xml does not load", e);
        }
        try {
            @SuppressWarnings("unchecked")
            OutputStreamAppender<ILoggingEvent> appender =
                    (OutputStreamAppender<ILoggingEvent>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(name);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            appender.setOutputStream(out);
            events.forEach(appender::doAppend);
            List<Status> errors = context.getStatusManager().getCopyOfStatusList().stream()
                    .filter(status -> status.getEffectiveLevel() >= Status.ERROR).toList();
            if (!errors.isEmpty() || (out.size() == 0 && !events.isEmpty())) {
                throw new IllegalStateException("logback.xml's " + name + " appender did not write: " + errors);
            }
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            context.stop();
        }
    }
}

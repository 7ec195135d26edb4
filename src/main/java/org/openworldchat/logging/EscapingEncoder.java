package org.openworldchat.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;

/**
 * Wraps an appender's encoder (the text pattern or the JSON encoder in {@code logback.xml}) so that
 * it only ever sees events whose text is escaped ({@link EscapedEvent}): whatever a client managed
 * to get into a message, a key-value pair or an exception, it cannot start a line of its own or
 * send escape sequences to a terminal. The server does not log client text to begin with; this is
 * the layer under that rule, for the line someone forgets, and for the libraries' own lines.
 */
public final class EscapingEncoder extends EncoderBase<ILoggingEvent> {

    private Encoder<ILoggingEvent> encoder;

    /** The encoder that writes the escaped events (Logback sets it from the nested element). */
    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    @Override
    public void start() {
        if (encoder == null) {
            addError("EscapingEncoder needs a nested <encoder> to write with");
            return;
        }
        if (!encoder.isStarted()) {
            encoder.start();
        }
        super.start();
    }

    @Override
    public void stop() {
        if (encoder != null) {
            encoder.stop();
        }
        super.stop();
    }

    @Override
    public byte[] headerBytes() {
        return encoder.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return encoder.encode(new EscapedEvent(event));
    }

    @Override
    public byte[] footerBytes() {
        return encoder.footerBytes();
    }
}

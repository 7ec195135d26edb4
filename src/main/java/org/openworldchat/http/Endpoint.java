package org.openworldchat.http;

import io.netty.handler.codec.http.HttpHeaders;

/** One route's handler: decodes the call, asks a service, encodes the reply. May block (it runs on a virtual thread). */
@FunctionalInterface
public interface Endpoint {

    HttpReply handle(HttpCall call) throws Exception;

    /**
     * A request to this route was refused before it got here (its body was over the route's
     * bound): an endpoint whose attempts count toward a limit counts this one too. Runs off the
     * event loop; a {@link org.openworldchat.contract.ChatException} it throws (over the limit)
     * is the answer instead of the refusal. Nothing by default.
     */
    default void refusedBeforeHandling(HttpHeaders headers) {
    }
}

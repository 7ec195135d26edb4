package org.openworldchat.http;

/** One route's handler: decodes the call, asks a service, encodes the reply. May block (it runs on a virtual thread). */
@FunctionalInterface
public interface Endpoint {

    HttpReply handle(HttpCall call) throws Exception;
}

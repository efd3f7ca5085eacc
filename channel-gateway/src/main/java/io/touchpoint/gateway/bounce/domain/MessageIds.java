package io.touchpoint.gateway.bounce.domain;

import java.util.Optional;

/** How a report names the message it is about: the gateway writes each delivery's id as the Message-ID {@code <id@domain>}. */
final class MessageIds {

    private MessageIds() {
    }

    /** The id in {@code <id@domain>}; none for anything else (a redacted or foreign Message-ID). */
    static Optional<String> deliveryId(String messageId) {
        if (messageId == null || !messageId.startsWith("<") || !messageId.contains("@")) {
            return Optional.empty();
        }
        return Optional.of(messageId.substring(1, messageId.lastIndexOf('@')));
    }
}

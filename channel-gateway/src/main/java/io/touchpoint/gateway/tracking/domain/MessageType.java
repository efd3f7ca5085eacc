package io.touchpoint.gateway.tracking.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

import io.touchpoint.contracts.events.Interaction;

/** The six calls of the Segment spec, by the {@code type} value they carry on the wire. */
public enum MessageType {
    IDENTIFY(Interaction.IDENTIFY),
    TRACK(Interaction.TRACK),
    PAGE(Interaction.PAGE),
    SCREEN(Interaction.SCREEN),
    GROUP(Interaction.GROUP),
    ALIAS(Interaction.ALIAS);

    static final String NAMES = Arrays.stream(values()).map(MessageType::wire).collect(Collectors.joining(", "));

    private final String wire;

    MessageType(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<MessageType> fromWire(String type) {
        String normalized = type.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(t -> t.wire.equals(normalized)).findFirst();
    }
}

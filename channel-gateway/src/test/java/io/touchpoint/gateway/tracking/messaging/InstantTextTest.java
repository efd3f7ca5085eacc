package io.touchpoint.gateway.tracking.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.touchpoint.contracts.EventJson;
import io.touchpoint.contracts.events.Interaction;

/** The gateway writes instants by hand; the text must be the contract's, byte for byte. */
class InstantTextTest {

    @Test
    void formatsAsInstantToString() {
        Random random = new Random(11);
        for (int i = 0; i < 50_000; i++) {
            int nano = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant at = Instant.ofEpochSecond(random.nextLong(-62_300_000_000L, 253_500_000_000L), nano);
            assertEquals(at.toString(), InstantText.format(at));
        }
        for (Instant at : List.of(Instant.EPOCH, Instant.MIN, Instant.MAX, Instant.parse("0000-01-01T00:00:00Z"),
                Instant.parse("0000-01-01T00:00:00Z").minusNanos(1), Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.parse("9999-12-31T23:59:59.999999999Z").plusNanos(1), Instant.parse("1969-12-31T23:59:59.1Z"))) {
            assertEquals(at.toString(), InstantText.format(at));
        }
    }

    @Test
    void interactionsAreWrittenAsTheContractWritesThem() throws Exception {
        Instant received = Instant.parse("2031-01-01T10:00:00.120Z");
        Instant client = Instant.parse("2031-01-01T09:59:58.123456Z");
        var interaction = new Interaction("m-1", "src-1", Interaction.TRACK, "u-1", null, null, null, "Order Completed",
                null, null, Map.of("revenue", 12.99, "when", "2031-01-01T00:00:00Z"), null, Map.of("ip", "10.0.0.1"),
                null, client.plusNanos(7), client, Instant.parse("2031-01-01T09:59:59Z"), received);
        assertEquals(new String(EventJson.write(interaction)),
                new String(new InteractionSerializer().serialize("touchpoint.interactions.v1", interaction)));
    }
}

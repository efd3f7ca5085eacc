package io.touchpoint.gateway.tracking.messaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import io.touchpoint.contracts.CloudEventAttributes;
import io.touchpoint.contracts.CloudEventHeaders;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.events.Interaction;

/** The headers the publisher builds by hand are exactly those of the contract's CloudEvents binding. */
class InteractionRecordTest {

    @Test
    void headersAreTheContractsCloudEventHeadersInTheSameOrder() {
        for (Interaction interaction : List.of(interaction("u-1", "a-1"), interaction("u-2", null),
                interaction(null, "a-3"), interaction(null, null))) {
            ProducerRecord<String, Interaction> record = InteractionPublisher.record(interaction);
            var expected = CloudEventHeaders.write(new RecordHeaders(), new CloudEventAttributes(interaction.messageId(),
                    EventTypes.INTERACTION, URI.create("/touchpoint/channel-gateway/sources/" + interaction.sourceId()),
                    interaction.timestamp(), interaction.partitionKey()));
            Header[] actual = record.headers().toArray();
            Header[] wanted = expected.toArray();
            assertEquals(wanted.length, actual.length);
            for (int i = 0; i < wanted.length; i++) {
                assertEquals(wanted[i].key(), actual[i].key());
                assertArrayEquals(wanted[i].value(), actual[i].value(), wanted[i].key());
            }
            assertEquals(interaction.partitionKey(), record.key());
            assertEquals("touchpoint.interactions.v1", record.topic());
        }
    }

    private static Interaction interaction(String userId, String anonymousId) {
        Instant at = Instant.parse("2031-01-01T10:00:00.123Z");
        return new Interaction("m-é-" + userId, "src-1", Interaction.TRACK, userId, anonymousId, null, null, "Bet Placed",
                null, null, Map.of("stake", 5), null, Map.of("ip", "10.0.0.1"), null, at, at, at, at);
    }
}

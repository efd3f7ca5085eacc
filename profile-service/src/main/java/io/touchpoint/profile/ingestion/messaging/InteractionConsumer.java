package io.touchpoint.profile.ingestion.messaging;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.touchpoint.contracts.events.Interaction;
import io.touchpoint.profile.ingestion.domain.InteractionApplier;
import io.touchpoint.platform.store.Transactions;

/**
 * Feeds the gateway's interactions into the master profile, a poll at a time: the whole batch is
 * applied in one transaction (see {@link InteractionApplier#applyAll}) and its offsets are
 * committed only after that transaction commits; a redelivery finds each (source, messageId)
 * recorded and changes nothing.
 *
 * <p>Nacking a Kafka batch would dead-letter every record in it, so failures are settled record by
 * record instead: only the records the applier could not apply (and those that could not even be
 * read) are nacked, which sends each to the dead-letter topic, and the batch is acknowledged after
 * those sends completed. A crash in between redelivers the batch: its applied records are no-ops and
 * the poison ones reach the dead-letter topic again (at least once, never lost).
 */
@ApplicationScoped
public class InteractionConsumer {

    private static final Logger LOG = Logger.getLogger(InteractionConsumer.class);
    /** Set by the connector's dead-letter deserialization handler on a value it could not read. */
    private static final String DESERIALIZATION_FAILURE_REASON = "deserialization-failure-reason";

    @Inject
    InteractionApplier applier;

    @Incoming("interactions")
    public Uni<Void> onInteractions(KafkaRecordBatch<String, Interaction> batch) {
        List<KafkaRecord<String, Interaction>> readable = new ArrayList<>();
        Map<KafkaRecord<String, Interaction>, Throwable> rejected = new IdentityHashMap<>();
        for (KafkaRecord<String, Interaction> record : batch.getRecords()) {
            if (record.getPayload() == null) {
                rejected.put(record, new UnreadableInteraction(reason(record)));
            } else {
                readable.add(record);
            }
        }
        return applier.applyAll(readable.stream().map(KafkaRecord::getPayload).toList())
                .chain(rejections -> {
                    rejections.forEach(r -> rejected.put(readable.get(r.index()), r.cause()));
                    // One after the other in batch order, each on the dead-letter topic before the batch is acked.
                    List<KafkaRecord<String, Interaction>> toNack = batch.getRecords().stream()
                            .filter(rejected::containsKey).toList();
                    return Transactions.each(toNack, record -> {
                        Throwable cause = rejected.get(record);
                        LOG.warnf(cause, "interaction at %s-%d offset %s not applied; sent to the dead-letter topic",
                                record.getTopic(), record.getPartition(), record.getMetadata(IncomingKafkaRecordMetadata.class)
                                        .map(m -> Long.toString(m.getOffset())).orElse("?"));
                        return Uni.createFrom().completionStage(() -> record.nack(cause));
                    });
                })
                .chain(() -> Uni.createFrom().completionStage(batch::ack));
    }

    private static String reason(KafkaRecord<String, Interaction> record) {
        Header header = record.getHeaders() == null ? null : record.getHeaders().lastHeader(DESERIALIZATION_FAILURE_REASON);
        return header == null || header.value() == null ? "the value is not an interaction"
                : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** A record whose value could not be read as an interaction: it goes to the dead-letter topic as it came. */
    static final class UnreadableInteraction extends RuntimeException {
        UnreadableInteraction(String message) {
            super(message, null, false, false);
        }
    }
}

package io.touchpoint.analytics.ingest.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.touchpoint.analytics.ingest.domain.Fact;
import io.touchpoint.contracts.CloudEventHeaders;
import io.touchpoint.contracts.EventJson;
import io.touchpoint.platform.store.Transactions;

/**
 * Turns a Kafka poll into facts and settles it: the whole batch is applied in one transaction (see
 * the store), and only then acknowledged. If the batch cannot be applied it is applied again one
 * record per transaction; a record that still fails, or whose value could not be read, is nacked on
 * its own, which sends it to the dead-letter topic, before the batch is acknowledged. A crash in
 * between redelivers the batch; the store's progress and fact keys make the applied part a no-op.
 */
@ApplicationScoped
public class FactBatches {

    private static final Logger LOG = Logger.getLogger(FactBatches.class);
    private static final String DESERIALIZATION_FAILURE_REASON = "deserialization-failure-reason";

    /** What a value says about itself: the profile it is about and when it happened. */
    public interface Reader<T> {
        String profileId(T value);

        Instant at(T value);
    }

    public <T> Uni<Void> consume(KafkaRecordBatch<String, T> batch, Reader<T> reader, Function<List<Fact<T>>, Uni<Void>> apply) {
        List<Fact<T>> facts = new ArrayList<>();
        List<KafkaRecord<String, T>> readable = new ArrayList<>();
        Map<KafkaRecord<String, T>, Throwable> rejected = new IdentityHashMap<>();
        for (KafkaRecord<String, T> record : batch.getRecords()) {
            try {
                facts.add(fact(record, reader));
                readable.add(record);
            } catch (RuntimeException e) {
                rejected.put(record, e);
            }
        }
        return apply.apply(facts)
                .onFailure().recoverWithUni(failure -> {
                    LOG.infof("a batch of %d records did not apply as a whole (%s); applying them one by one", facts.size(),
                            failure.toString());
                    return Transactions.each(indexes(facts.size()), i -> apply.apply(List.of(facts.get(i)))
                            .onFailure().recoverWithItem(e -> {
                                rejected.put(readable.get(i), e);
                                return null;
                            }));
                })
                .chain(() -> Transactions.each(batch.getRecords().stream().filter(rejected::containsKey).toList(), record -> {
                    Throwable cause = rejected.get(record);
                    LOG.warnf(cause, "record %s-%d at offset %s not applied; sent to the dead-letter topic", record.getTopic(),
                            record.getPartition(), offset(record));
                    return Uni.createFrom().completionStage(() -> record.nack(cause));
                }))
                .chain(() -> Uni.createFrom().completionStage(batch::ack));
    }

    private static List<Integer> indexes(int n) {
        List<Integer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }

    private static <T> Fact<T> fact(KafkaRecord<String, T> record, Reader<T> reader) {
        T value = record.getPayload();
        if (value == null) {
            Header header = record.getHeaders() == null ? null : record.getHeaders().lastHeader(DESERIALIZATION_FAILURE_REASON);
            throw new UnreadableRecord(header == null || header.value() == null ? "the value is not readable"
                    : new String(header.value(), StandardCharsets.UTF_8));
        }
        Instant at = reader.at(value);
        if (at == null) {
            throw new UnreadableRecord("the record says nothing about when it happened");
        }
        String eventId = record.getHeaders() == null ? null : CloudEventHeaders.get(record.getHeaders(), CloudEventHeaders.ID);
        if (eventId == null || eventId.isBlank()) {
            // Not a CloudEvent: its content is its identity, so a copy of it is still the same record.
            eventId = UUID.nameUUIDFromBytes(EventJson.write(value)).toString();
        }
        return new Fact<>(record.getTopic(), record.getPartition(), offset(record), eventId, reader.profileId(value), at, value);
    }

    private static long offset(KafkaRecord<?, ?> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getOffset)
                .orElseThrow(() -> new IllegalStateException("a Kafka record without its offset"));
    }

    /** A record whose value could not be read; it goes to the dead-letter topic as it came. */
    static final class UnreadableRecord extends RuntimeException {
        UnreadableRecord(String message) {
            super(message, null, false, false);
        }
    }
}

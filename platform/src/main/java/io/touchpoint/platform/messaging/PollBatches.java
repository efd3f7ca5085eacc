package io.touchpoint.platform.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * How a consumer settles a Kafka poll it applies together (in one transaction of its own making):
 * the whole poll first, when every record could be read and the consumer says its records may go
 * together; otherwise, or when that fails, each record alone, in order. A record that still fails,
 * or could not be read (it arrives as a null value), is nacked on its own, so the channel's
 * dead-letter strategy sends it to the dead-letter topic and it holds up nothing else. The poll is
 * acknowledged after, so a crash before redelivers it and the consumer's idempotence absorbs what
 * was applied.
 */
public final class PollBatches {

    private static final Logger LOG = Logger.getLogger(PollBatches.class);

    private PollBatches() {
    }

    /**
     * @param together whether these (readable) values may be applied as one
     * @param all applies the values as one
     * @param alone applies one value
     */
    public static <T> Uni<Void> settle(KafkaRecordBatch<String, T> batch, Predicate<List<T>> together,
            Function<List<T>, Uni<Void>> all, Function<T, Uni<Void>> alone) {
        List<KafkaRecord<String, T>> records = batch.getRecords();
        List<T> values = new ArrayList<>(records.size());
        for (KafkaRecord<String, T> record : records) {
            values.add(record.getPayload());
        }
        boolean asOne = !values.contains(null) && together.test(values);
        Uni<Void> applied = asOne ? Uni.createFrom().deferred(() -> all.apply(values))
                : Uni.createFrom().failure(new IllegalStateException("applied one record at a time"));
        return applied.onFailure().recoverWithUni(e -> {
            if (asOne) {
                LOG.infof("a poll of %d records did not apply as a whole (%s); applying them one at a time", records.size(),
                        e.toString());
            }
            return Multi.createFrom().iterable(records).onItem().transformToUniAndConcatenate(record -> one(record, alone))
                    .collect().asList().replaceWithVoid();
        }).chain(() -> Uni.createFrom().completionStage(batch::ack));
    }

    private static <T> Uni<Void> one(KafkaRecord<String, T> record, Function<T, Uni<Void>> alone) {
        Uni<Void> applied = record.getPayload() == null
                ? Uni.createFrom().failure(new IllegalArgumentException("the record could not be read"))
                : Uni.createFrom().deferred(() -> alone.apply(record.getPayload()));
        return applied.onFailure().recoverWithUni(e -> {
            LOG.warnf(e, "a record of %s-%d was not applied; sent to the dead-letter topic", record.getTopic(), record.getPartition());
            return Uni.createFrom().completionStage(() -> record.nack(e));
        });
    }
}

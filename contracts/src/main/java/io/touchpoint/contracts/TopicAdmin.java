package io.touchpoint.contracts;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the contract topics that do not exist yet; safe to call from every service on every start. */
public final class TopicAdmin {

    private TopicAdmin() {
    }

    /**
     * @param replicationFactor empty to use the broker's default.replication.factor
     * @return the topics this call created (empty when all existed already)
     */
    public static Set<String> ensureTopics(Admin admin, Optional<Short> replicationFactor, long timeoutMillis)
            throws InterruptedException, TimeoutException {
        try {
            Set<String> existing = admin.listTopics().names().get(timeoutMillis, TimeUnit.MILLISECONDS);
            List<NewTopic> missing = Arrays.stream(Topic.values())
                    .filter(t -> !existing.contains(t.topicName()))
                    .map(t -> new NewTopic(t.topicName(), Optional.of(t.partitions()), replicationFactor))
                    .toList();
            if (missing.isEmpty()) {
                return Set.of();
            }
            var result = admin.createTopics(missing);
            for (var entry : result.values().entrySet()) {
                try {
                    entry.getValue().get(timeoutMillis, TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    // Another service may have won the race; that is the outcome we wanted.
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + entry.getKey(), e.getCause());
                    }
                }
            }
            return missing.stream().map(NewTopic::name).collect(Collectors.toUnmodifiableSet());
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list Kafka topics", e.getCause());
        }
    }
}

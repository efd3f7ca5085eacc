package io.touchpoint.platform.messaging;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.touchpoint.contracts.Topic;

/**
 * Topic names come from {@link Topic}, never from literals in each service's configuration: for
 * every contract topic, channel {@code <name>} (incoming) and {@code <name>-out} (outgoing) read or
 * write it, where the name is the topic's constant in lower case with dashes ({@code
 * PROFILE_CHANGES} → {@code profile-changes}). Every incoming channel dead-letters to
 * {@link Topic#DEAD_LETTERS}. Below application.properties (ordinal 250), so a service can still
 * override a name. Only the channels a service declares (with their connector) are looked up.
 */
public class TopicConfigSource implements ConfigSource {

    private static final Map<String, String> PROPERTIES = properties();

    public static String channel(Topic topic) {
        return topic.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static Map<String, String> properties() {
        Map<String, String> properties = new HashMap<>();
        for (Topic topic : Topic.values()) {
            String channel = channel(topic);
            properties.put("mp.messaging.incoming." + channel + ".topic", topic.topicName());
            properties.put("mp.messaging.incoming." + channel + ".dead-letter-queue.topic", Topic.DEAD_LETTERS.topicName());
            properties.put("mp.messaging.outgoing." + channel + "-out.topic", topic.topicName());
        }
        return Map.copyOf(properties);
    }

    /**
     * None listed: the messaging extension takes every listed {@code mp.messaging.*} name as a
     * channel that must have a connector. A service's own channels look their topic up by name.
     */
    @Override
    public Set<String> getPropertyNames() {
        return Set.of();
    }

    @Override
    public String getValue(String propertyName) {
        return PROPERTIES.get(propertyName);
    }

    @Override
    public String getName() {
        return "touchpoint-contract-topics";
    }

    @Override
    public int getOrdinal() {
        return 200;
    }
}

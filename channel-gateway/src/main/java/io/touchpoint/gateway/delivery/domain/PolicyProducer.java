package io.touchpoint.gateway.delivery.domain;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The policy's rules from configuration; the channels it may choose are those a sender is installed for. */
public class PolicyProducer {

    @Produces
    @Singleton
    SendingPolicy policy(DeliveryConfig config, Instance<ChannelSender> senders) {
        Set<String> deliverable = new LinkedHashSet<>();
        senders.forEach(s -> deliverable.add(s.channel()));
        Map<String, PolicyRules.Cap> caps = new HashMap<>();
        config.caps().forEach((channel, cap) -> caps.put(channel, new PolicyRules.Cap(cap.messages(), cap.days())));
        List<PolicyRules.TagCap> tagCaps = new ArrayList<>();
        config.tagCaps().forEach((tag, cap) -> tagCaps.add(new PolicyRules.TagCap(tag, cap.channel().orElse(null),
                new PolicyRules.Cap(cap.messages(), cap.days()))));
        return new SendingPolicy(new PolicyRules(deliverable, config.defaultChannelOrder(), ZoneId.of(config.defaultZone()),
                config.timeToLive(), config.unknownRecipientRetry(), caps, tagCaps));
    }
}

package io.touchpoint.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Recipients made the way a site makes them: one identify per person through the tracking API
 * (its address as a trait and the channel's consent as Segment's
 * {@code context.consent.categoryPreferences}), which profile-service turns into a profile and a
 * ProfileChanged, from which the gateway builds its recipient projection. Ready once the
 * projection holds every one of them with a consent.
 */
final class Recipients {

    /** One recipient: its index, the userId it was identified with, its address and the profile id profile-service gave it. */
    record Recipient(int index, String userId, String address, String profileId) {
    }

    private Recipients() {
    }

    static List<Recipient> identify(StackApi api, GatewayLedger ledger, DeliveryChannel channel, String prefix, int count,
            Duration limit) throws Exception {
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            batch.add("""
                    {"type":"identify","userId":"%s-%d","messageId":"%s-identify-%d","traits":{%s},\
                    "context":{"consent":{"categoryPreferences":{"%s":true}}}}"""
                    .formatted(prefix, i, prefix, i, channel.identifyTraits(prefix, i), channel.id));
            if (batch.size() == 100 || i == count - 1) {
                api.batch(batch);
                batch.clear();
            }
        }
        long deadline = System.nanoTime() + limit.toNanos();
        Map<String, String> known = Map.of();
        while (System.nanoTime() < deadline) {
            known = ledger.recipientsByAddress(channel.addressColumn(), channel.addressPrefix(prefix));
            if (known.size() >= count) {
                break;
            }
            Thread.sleep(500);
        }
        if (known.size() < count) {
            throw new IllegalStateException("the gateway knows " + known.size() + " of the " + count + " recipients " + prefix
                    + " after " + limit.toSeconds() + " s");
        }
        List<Recipient> all = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String address = channel.address(prefix, i);
            all.add(new Recipient(i, prefix + "-" + i, address, known.get(address)));
        }
        return all;
    }

    /** Waits until every consumer group has committed everything (the processing tier is idle); false at the limit. */
    static boolean settle(KafkaProbe kafka, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (kafka.allGroupLags().values().stream().mapToLong(Long::longValue).sum() == 0) {
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }
}

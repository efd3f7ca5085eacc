package io.touchpoint.journey.execution.domain;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.touchpoint.conditions.ConditionEvaluator;
import io.touchpoint.journey.definition.domain.JourneyGraph;

/**
 * What one node does for one instance, decided from what is known about its profile and the
 * clock alone. The runner carries the outcome out in a transaction; a test run carries it out in
 * memory on a clock of its own. One decision, so a test run shows what a real run would do.
 */
public final class NodeStep {

    private NodeStep() {
    }

    /** The profile as a journey sees it: the condition facts (with the entry payload) and its preferences. */
    public record Subject(ConditionEvaluator.Facts facts, Map<String, Object> preferences) {
    }

    public sealed interface Outcome {
    }

    /** Ask the gateway for the message, then go on to {@code send.next()}. */
    public record Request(JourneyGraph.Send send) implements Outcome {
    }

    /** Publish the traits as an identify, then go on. */
    public record SetTraits(JourneyGraph.UpdateTraits update) implements Outcome {
    }

    /** Go on to {@code next} at once; {@code arm} is set when a split assigned one. */
    public record Go(String next, String detail, String arm) implements Outcome {
    }

    /** Stop until {@code due}: a timed wait, or a wait for an event that times out then. */
    public record WaitTill(Instant due, String detail) implements Outcome {
    }

    /** The instance ends here. */
    public record End(String reason, String arm) implements Outcome {
    }

    public static Outcome decide(String journeyId, JourneyGraph graph, JourneyGraph.Node node, Subject subject,
            Instant enteredAt, Instant now) {
        if (node instanceof JourneyGraph.Send send) {
            return new Request(send);
        }
        if (node instanceof JourneyGraph.UpdateTraits update) {
            return new SetTraits(update);
        }
        if (node instanceof JourneyGraph.Wait wait) {
            Instant due = now.plus(wait.duration());
            return new WaitTill(due, "waiting until " + due);
        }
        if (node instanceof JourneyGraph.WaitUntil until) {
            return waitUntil(graph, until, subject, now);
        }
        if (node instanceof JourneyGraph.WaitForEvent w) {
            Optional<Instant> due = w.timeout() != null ? Optional.of(now.plus(w.timeout()))
                    : Moments.instant(subject.facts().entry().get(w.untilProperty()));
            if (due.isEmpty()) {
                return new Go(w.timeoutNext(), "no deadline in entry." + w.untilProperty() + ": timed out", null);
            }
            if (!due.get().isAfter(now)) {
                return new Go(w.timeoutNext(), "deadline " + due.get() + " already passed: timed out", null);
            }
            return new WaitTill(due.get(), "waiting for " + w.event() + " until " + due.get());
        }
        if (node instanceof JourneyGraph.Branch branch) {
            for (JourneyGraph.Path path : branch.paths()) {
                if (ConditionEvaluator.matches(path.when(), subject.facts(), now)) {
                    return new Go(path.next(), "branch " + path.name(), null);
                }
            }
            return new Go(branch.otherwise(), "otherwise", null);
        }
        if (node instanceof JourneyGraph.Split split) {
            int bucket = bucket(journeyId, split.id(), subject.facts().profileId());
            int upTo = 0;
            for (JourneyGraph.Arm arm : split.arms()) {
                upTo += arm.percent();
                if (bucket < upTo) {
                    return new Go(arm.next(), "arm " + arm.name(), arm.name());
                }
            }
            return new End("holdout", "holdout");
        }
        return new End("completed", null);
    }

    private static Outcome waitUntil(JourneyGraph graph, JourneyGraph.WaitUntil until, Subject subject, Instant now) {
        ZoneId zone = Moments.zoneOf(subject.preferences(), subject.facts().traits(), graph.zone());
        if (until.date() == null) {
            Instant due = Moments.nextLocal(now, zone, until.time(), until.days());
            return due.equals(now) ? new Go(until.next(), "it is " + until.time() + " in " + zone, null)
                    : new WaitTill(due, "waiting until " + due + " (" + until.time() + " in " + zone + ")");
        }
        Object value = until.date().read(subject.facts().traits(), subject.facts().computed());
        Optional<Instant> due = Moments.dateMoment(value, until.anniversary(), until.offsetDays(), until.time(), zone, now);
        if (due.isEmpty()) {
            String missing = until.missing() != null ? until.missing() : until.next();
            return new Go(missing, (until.date().computed() ? "computed " : "trait ") + until.date().name() + " holds no date", null);
        }
        if (!due.get().isAfter(now)) {
            return new Go(until.next(), "date " + due.get() + " has passed", null);
        }
        return new WaitTill(due.get(), "waiting until " + due.get());
    }

    /** A profile's place in [0, 100) for a split: the same every time it reaches it, independent across splits. */
    static int bucket(String journeyId, String nodeId, String profileId) {
        UUID hash = UUID.nameUUIDFromBytes((journeyId + '\n' + nodeId + '\n' + profileId).getBytes(StandardCharsets.UTF_8));
        return (int) Math.floorMod(hash.getMostSignificantBits(), 100L);
    }
}

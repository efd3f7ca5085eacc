package io.touchpoint.segmentation.segment.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import io.touchpoint.conditions.Condition;
import io.touchpoint.conditions.ConditionParser;
import io.touchpoint.conditions.ConditionEvaluator;
import io.touchpoint.contracts.events.ConsentState;

/**
 * Random rule trees (as the JSON a marketer writes) and random profiles to evaluate them on. Times
 * are whole days plus twelve hours away from {@code base}, so no window boundary falls within the
 * seconds a test takes and the streaming and bulk passes, run moments apart, see the same answer.
 */
public final class RuleGenerators {

    /** A generated profile: what profile-service would announce, plus the interactions behind it. */
    public record Profile(Map<String, Object> traits, Map<String, Object> computed, List<ConsentState> consents,
            List<Event> events) {
    }

    public record Event(String name, int daysAgo, Map<String, Object> properties) {
        public Instant at(Instant base) {
            return base.minus(Duration.ofDays(daysAgo)).minus(Duration.ofHours(12));
        }
    }

    static final List<String> EVENTS = List.of("Bet Placed", "Login", "Order Completed");
    private final Instant base;

    public RuleGenerators(Instant base) {
        this.base = base;
    }

    // ---- profiles

    public Arbitrary<Profile> profiles() {
        return Combinators.combine(traits(), computed(), consents(), events().list().ofMaxSize(6)).as(Profile::new);
    }

    private Arbitrary<Map<String, Object>> traits() {
        Arbitrary<Object> plan = Arbitraries.of("gold", "silver", "bronze", "Gold");
        Arbitrary<Object> score = Arbitraries.oneOf(Arbitraries.integers().between(0, 100).map(i -> (Object) i),
                Arbitraries.integers().between(0, 100).map(i -> (Object) Integer.toString(i)),
                Arbitraries.integers().between(0, 100).map(i -> (Object) (i + 0.5)));
        Arbitrary<Object> city = Arbitraries.of("Berlin", "Bern", "Hamburg", "Bremen");
        Arbitrary<Object> tags = Arbitraries.of("vip", "new", "churn").set().ofMaxSize(3).map(s -> (Object) List.copyOf(s));
        Arbitrary<Object> signup = Arbitraries.integers().between(0, 500).map(d -> (Object) ago(d).toString());
        Arbitrary<Object> renewal = Arbitraries.integers().between(0, 90)
                .map(d -> (Object) base.plus(Duration.ofDays(d)).plus(Duration.ofHours(12)).toString());
        Arbitrary<Object> birthday = Arbitraries.integers().between(0, 365)
                .map(d -> (Object) LocalDate.of(1990, 1, 1).plusDays(d).toString());
        return Combinators.combine(optional(plan), optional(score), optional(city), optional(tags), optional(signup),
                optional(renewal), optional(birthday)).as((p, s, c, t, su, r, b) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    put(m, "plan", p);
                    put(m, "score", s);
                    put(m, "city", c);
                    put(m, "tags", t);
                    put(m, "signup", su);
                    put(m, "renewal", r);
                    put(m, "birthday", b);
                    return m;
                });
    }

    private Arbitrary<Map<String, Object>> computed() {
        return Combinators.combine(optional(Arbitraries.integers().between(0, 20).map(i -> (Object) i)),
                optional(Arbitraries.integers().between(0, 100_000).map(c -> (Object) (c / 100.0)))).as((n, r) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    put(m, "eventCount", n);
                    put(m, "revenue", r);
                    return m;
                });
    }

    private Arbitrary<List<ConsentState>> consents() {
        Arbitrary<ConsentState.Status> status = Arbitraries.of(ConsentState.Status.class);
        return Combinators.combine(optional(status.map(s -> (Object) s)), optional(status.map(s -> (Object) s)),
                optional(status.map(s -> (Object) s))).as((any, news, sms) -> {
                    List<ConsentState> out = new ArrayList<>();
                    if (any != null) {
                        out.add(consent("email", ConsentState.ANY_TOPIC, any));
                    }
                    if (news != null) {
                        out.add(consent("email", "newsletter", news));
                    }
                    if (sms != null) {
                        out.add(consent("sms", ConsentState.ANY_TOPIC, sms));
                    }
                    return out;
                });
    }

    private ConsentState consent(String channel, String topic, Object status) {
        return new ConsentState(channel, topic, (ConsentState.Status) status, false, base.minus(Duration.ofDays(1)), "test");
    }

    private Arbitrary<Event> events() {
        Arbitrary<Map<String, Object>> props = Arbitraries.oneOf(Arbitraries.<Map<String, Object>> just(Map.of()),
                Arbitraries.of("football", "tennis").map(m -> Map.<String, Object> of("market", m)),
                Arbitraries.integers().between(1, 3).map(a -> Map.<String, Object> of("market", "football", "stake", a)));
        return Combinators.combine(Arbitraries.of(EVENTS), Arbitraries.integers().between(0, 60), props).as(Event::new);
    }

    // ---- rules

    /** Rule trees up to {@code depth} groups deep; {@code earlier} are segment ids an inSegment may name. */
    public Arbitrary<Object> rules(int depth, List<String> earlier) {
        Arbitrary<Object> leaf = leaves(earlier);
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<Object> inner = rules(depth - 1, earlier);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, leaf),
                net.jqwik.api.Tuple.of(2, inner.list().ofMinSize(1).ofMaxSize(3).map(l -> (Object) Map.of("all", l))),
                net.jqwik.api.Tuple.of(2, inner.list().ofMinSize(1).ofMaxSize(3).map(l -> (Object) Map.of("any", l))),
                net.jqwik.api.Tuple.of(1, inner.map(c -> (Object) Map.of("not", c))));
    }

    private Arbitrary<Object> leaves(List<String> earlier) {
        List<Arbitrary<Object>> kinds = new ArrayList<>(List.of(traitRules(), computedRules(), eventRules(), consentRules(),
                bucketRules()));
        if (!earlier.isEmpty()) {
            kinds.add(Arbitraries.of(earlier).map(id -> (Object) Map.of("inSegment", id)));
        }
        return Arbitraries.oneOf(kinds);
    }

    private Arbitrary<Object> traitRules() {
        Arbitrary<Integer> n = Arbitraries.integers().between(0, 100);
        Arbitrary<Integer> days = Arbitraries.integers().between(1, 400);
        return Arbitraries.oneOf(
                Arbitraries.of("equals", "not_equals", "starts_with").flatMap(op -> Arbitraries.of("gold", "Gold", "sil")
                        .map(v -> attr("trait", "plan", op, v))),
                Arbitraries.of("gold", "silver", "bronze").set().ofMinSize(1).map(v -> attr("trait", "plan", "in", List.copyOf(v))),
                Arbitraries.of(true, false).flatMap(b -> Arbitraries.of("plan", "score", "tags")
                        .map(a -> attr("trait", a, "exists", b))),
                Arbitraries.of("gt", "gte", "lt", "lte").flatMap(op -> n.map(v -> attr("trait", "score", op, v))),
                // Equality is loose: the trait may hold "42" or 42.0 where the rule says 42, and the other way round.
                Arbitraries.oneOf(n.map(v -> (Object) v), n.map(v -> (Object) Integer.toString(v)))
                        .map(v -> attr("trait", "score", "equals", v)),
                Combinators.combine(n, n).as((a, b) -> attr("trait", "score", "between", List.of(Math.min(a, b), Math.max(a, b)))),
                Arbitraries.of("er", "Ber", "burg").flatMap(v -> Arbitraries.of("contains", "starts_with")
                        .map(op -> attr("trait", "city", op, v))),
                Arbitraries.of("vip", "churn").map(v -> attr("trait", "tags", "contains", v)),
                Arbitraries.of("within_last_days", "more_than_days_ago").flatMap(op -> days.map(d -> attr("trait", "signup", op, d))),
                Arbitraries.integers().between(1, 120).map(d -> attr("trait", "renewal", "in_next_days", d)),
                Arbitraries.integers().between(0, 90).map(d -> attr("trait", "birthday", "anniversary_within_days", d)),
                Arbitraries.of("gt", "lte").flatMap(op -> days.map(d -> attr("trait", "signup", op, ago(d).toString()))));
    }

    private Arbitrary<Object> computedRules() {
        return Arbitraries.oneOf(
                Arbitraries.of("gte", "lt", "equals").flatMap(op -> Arbitraries.integers().between(0, 20)
                        .map(v -> attr("computed", "eventCount", op, v))),
                Combinators.combine(Arbitraries.integers().between(0, 1000), Arbitraries.integers().between(0, 1000))
                        .as((a, b) -> attr("computed", "revenue", "between", List.of(Math.min(a, b), Math.max(a, b)))));
    }

    private Arbitrary<Object> eventRules() {
        Arbitrary<Object> where = Arbitraries.oneOf(Arbitraries.<Object> just(null), Arbitraries.of("football", "tennis")
                .map(m -> (Object) Map.of("market", m)), Arbitraries.<Object> just(Map.of("stake", "2")));
        Arbitrary<Object> count = Arbitraries.oneOf(Arbitraries.<Object> just(null), Combinators.combine(
                Arbitraries.of("at_least", "at_most", "exactly"), Arbitraries.integers().between(0, 4))
                .as((op, v) -> (Object) Map.of("operator", op, "value", v)));
        Arbitrary<Object> window = Arbitraries.oneOf(Arbitraries.<Object> just(null),
                Arbitraries.integers().between(1, 90).map(d -> (Object) Map.of("withinLastDays", d)),
                Arbitraries.integers().between(0, 70).map(d -> (Object) Map.of("between",
                        Map.of("from", ago(d + 20).toString(), "to", ago(d).toString()))));
        Arbitrary<Object> performed = Combinators.combine(Arbitraries.of(EVENTS), where, count, window).as((e, w, c, win) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("event", e);
            put(m, "where", w);
            put(m, "count", c);
            if (win != null) {
                m.putAll(cast(win));
            }
            return (Object) m;
        });
        Arbitrary<Object> absent = Combinators.combine(Arbitraries.of(EVENTS), Arbitraries.integers().between(1, 90))
                .as((e, d) -> (Object) Map.of("event", e, "notPerformedForDays", d));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, performed), net.jqwik.api.Tuple.of(1, absent));
    }

    private Arbitrary<Object> consentRules() {
        return Combinators.combine(Arbitraries.of("email", "sms"), Arbitraries.of("*", "newsletter"))
                .as((c, t) -> (Object) Map.of("consent", Map.of("channel", c, "topic", t)));
    }

    private Arbitrary<Object> bucketRules() {
        return Combinators.combine(Arbitraries.of("holdout", "sample"), Arbitraries.of(0, 1, 10, 50, 99, 100))
                .as((s, p) -> (Object) Map.of("randomBucket", Map.of("salt", s, "percent", p)));
    }

    // ---- helpers

    /** The evaluator's view of a generated profile, with the memberships decided so far. */
    public ConditionEvaluator.Facts facts(String profileId, Profile p, Set<String> memberships) {
        return new ConditionEvaluator.Facts(profileId, p.traits(), p.computed(), p.consents(),
                p.events().stream().map(e -> new ConditionEvaluator.LoggedEvent(e.name(), e.at(base), e.properties())).toList(),
                memberships);
    }

    public static Condition parse(Object rule) {
        var r = ConditionParser.parse(rule, "condition");
        if (!r.valid()) {
            throw new IllegalStateException("generated an invalid rule " + rule + ": " + r.violations());
        }
        return r.condition();
    }

    private Instant ago(int days) {
        return base.minus(Duration.ofDays(days)).minus(Duration.ofHours(12));
    }

    private static Object attr(String kind, String name, String op, Object value) {
        return Map.of(kind, name, "operator", op, "value", value);
    }

    private static <T> Arbitrary<T> optional(Arbitrary<T> a) {
        return a.injectNull(0.3);
    }

    private static void put(Map<String, Object> m, String k, Object v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }

    static Instant midnight(Instant i) {
        return i.atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}

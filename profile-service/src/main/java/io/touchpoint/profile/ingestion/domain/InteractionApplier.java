package io.touchpoint.profile.ingestion.domain;

import static io.touchpoint.platform.store.Transactions.each;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.Interaction;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.platform.erasure.ErasedIdentities;
import io.touchpoint.profile.consent.domain.ConsentChange;
import io.touchpoint.profile.consent.store.ConsentStore;
import io.touchpoint.profile.identity.domain.Identifier;
import io.touchpoint.profile.identity.domain.IdentityResolver;
import io.touchpoint.profile.identity.store.IdentityStore;
import io.touchpoint.profile.master.domain.ProfileRules;
import io.touchpoint.profile.master.domain.ProfileState;
import io.touchpoint.profile.master.domain.ProfileWriter;
import io.touchpoint.profile.master.store.ProfileStore;
import io.touchpoint.platform.outbox.OutboxRelay;
import io.touchpoint.platform.store.Json;
import io.touchpoint.platform.store.Transactions;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Applies interactions to the master profile, each in turn: resolve the person, merge
 * what the interaction proves to be one person, record the event (once per source and
 * messageId), update traits, preferences, consent and computed attributes, and queue the
 * profile-change event in the outbox.
 */
@ApplicationScoped
public class InteractionApplier {

    private static final Logger LOG = Logger.getLogger(InteractionApplier.class);
    /** Retries of a transaction that failed because of a concurrent one (see {@link Transactions#retryable}). */
    private static final int RETRIES = 5;
    /** Traits that are channel preferences rather than facts about the person. */
    private static final Map<String, String> PREFERENCE_TRAITS = Map.of("preferredChannels", "channelOrder",
            "channelOrder", "channelOrder", "timezone", "timeZone", "timeZone", "timeZone", "locale", "locale",
            "quietHours", "quietHours");

    @Inject
    Pool pool;
    @Inject
    Clock clock;
    @Inject
    ProfileRules rules;
    @Inject
    ProfileStore profiles;
    @Inject
    IdentityStore identities;
    @Inject
    ConsentStore consents;
    @Inject
    ProfileWriter writer;
    @Inject
    OutboxRelay relay;
    @Inject
    Json json;
    @Inject
    ErasedIdentities erased;

    /** Applies one interaction in its own transaction, retrying what a concurrent transaction caused. */
    public Uni<Void> apply(Interaction interaction) {
        return Uni.createFrom().deferred(() -> pool.withTransaction(sql -> applyEachIn(sql, List.of(interaction))))
                .onFailure(Transactions::retryable).retry().atMost(RETRIES)
                .invoke(relay::kick)
                .replaceWithVoid();
    }

    /** Why the interaction at {@code index} of a batch was not applied. */
    public record Rejection(int index, Throwable cause) {
    }

    /**
     * Applies a batch (a Kafka poll) in one transaction, one interaction after the other in the
     * given order, so each sees what the ones before it did (identities, merges, the once-per-message
     * record). One commit and one outbox relay kick serve the whole batch.
     *
     * <p>If the batch cannot commit (after retrying what a concurrent transaction caused), its
     * interactions are applied one by one, each in its own transaction, so one poison interaction
     * costs only itself.
     *
     * @return the interactions that could not be applied, with why; never a failure
     */
    public Uni<List<Rejection>> applyAll(List<Interaction> interactions) {
        if (interactions.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Uni.createFrom().deferred(() -> pool.withTransaction(sql -> applyEachIn(sql, interactions)))
                .onFailure(Transactions::retryable).retry().atMost(RETRIES)
                .invoke(relay::kick)
                .replaceWith(List.<Rejection>of())
                .onFailure().recoverWithUni(failure -> {
                    if (interactions.size() == 1) {
                        return Uni.createFrom().item(List.of(new Rejection(0, failure)));
                    }
                    LOG.infof("a batch of %d interactions did not apply as a whole (%s); applying them one by one",
                            interactions.size(), failure.toString());
                    return oneByOne(interactions);
                });
    }

    private Uni<List<Rejection>> oneByOne(List<Interaction> interactions) {
        List<Rejection> rejected = new ArrayList<>();
        List<Integer> indexes = IntStream.range(0, interactions.size()).boxed().toList();
        return each(indexes, index -> apply(interactions.get(index))
                .onFailure().recoverWithItem(failure -> {
                    rejected.add(new Rejection(index, failure));
                    return null;
                }))
                .replaceWith(rejected);
    }

    /**
     * In order, each with its own clock reading as if applied alone; concatenated, so a long batch
     * never deepens the stack. First, in one round trip, the messages recorded before and the
     * profiles the batch's identifiers belong to; those are locked together, in id order: locking
     * them one interaction at a time, in arrival order, made concurrent batches deadlock.
     */
    private Uni<Void> applyEachIn(SqlClient sql, List<Interaction> interactions) {
        Scope scope = new Scope();
        return Uni.createFrom().item(() -> interactions.stream().flatMap(i -> lookupsOf(i).stream()).distinct().toList())
                .chain(lookups -> Uni.combine().all().unis(
                        profiles.recordedAmong(sql, interactions.stream().map(InteractionApplier::sourceOf).toList(),
                                interactions.stream().map(Interaction::messageId).toList()),
                        identities.owners(sql, lookups),
                        erased.erasedAt(sql, lookups.stream().map(InteractionApplier::identity).toList())).asTuple())
                .chain(both -> {
                    scope.erasedAt.putAll(both.getItem3());
                    both.getItem1().forEach(r -> scope.seen.add(messageKey(r.getItem1(), r.getItem2())));
                    List<String> owning = both.getItem2().values().stream().distinct().sorted().toList();
                    return owning.isEmpty() ? Uni.createFrom().item(List.<String>of()) : profiles.lock(sql, owning);
                })
                .invoke(scope.held::addAll)
                .chain(() -> Multi.createFrom().iterable(interactions)
                        .onItem().call(i -> applyIn(sql, scope, i, clock.instant()))
                        .onItem().ignoreAsUni());
    }

    /** The identifiers an interaction is looked up by: its own, and for an alias the previous id's. */
    private List<Identifier> lookupsOf(Interaction i) {
        List<Identifier> lookups = new ArrayList<>(rules.identities().extract(i));
        if (isAlias(i)) {
            lookups.add(new Identifier(Identifier.USER_ID, i.previousId()));
            lookups.add(new Identifier(Identifier.ANONYMOUS_ID, i.previousId()));
        }
        return lookups;
    }

    private boolean isAlias(Interaction i) {
        return Interaction.ALIAS.equals(i.type()) && i.previousId() != null && !rules.identities().isBlocked(i.previousId());
    }

    /** What one transaction learned so far, for the interactions after. */
    private static final class Scope {
        /** Messages recorded before the transaction or earlier in it: applied once, so skipped. */
        final Set<String> seen = new HashSet<>();
        /** Profiles this transaction locked or created: nobody else can move their identifiers until it ends. */
        final Set<String> held = new HashSet<>();
        /** Identifiers of erased people among the batch's, with when they were erased. */
        final Map<ErasedIdentities.Identity, Instant> erasedAt = new HashMap<>();
    }

    private static ErasedIdentities.Identity identity(Identifier id) {
        return new ErasedIdentities.Identity(id.type(), id.value());
    }

    private static String sourceOf(Interaction i) {
        return i.sourceId() == null ? "unknown" : i.sourceId();
    }

    private static String messageKey(String sourceId, String messageId) {
        return sourceId + '\u0000' + messageId;
    }

    private Uni<Void> applyIn(SqlClient sql, Scope scope, Interaction i, Instant now) {
        String sourceId = sourceOf(i);
        if (!scope.seen.add(messageKey(sourceId, i.messageId()))) {
            LOG.debugf("message %s from %s already applied", i.messageId(), sourceId);
            return Uni.createFrom().voidItem();
        }
        String addressed = addressedProfile(i, sourceId);
        if (addressed != null) {
            return applyToAddressed(sql, scope, addressed, i, sourceId, now);
        }
        List<Identifier> ids = rules.identities().extract(i);
        List<Identifier> lookups = lookupsOf(i);
        if (!scope.erasedAt.isEmpty() && ErasedIdentities.stale(scope.erasedAt,
                lookups.stream().map(InteractionApplier::identity).toList(), i.receivedAt())) {
            // In flight when its person was erased, or replayed since: applying it would bring them back.
            LOG.debugf("message %s from %s is about an erased person; dropped", i.messageId(), sourceId);
            return Uni.createFrom().voidItem();
        }
        boolean alias = isAlias(i);
        if (ids.isEmpty()) {
            LOG.warnf("message %s from %s names nobody (blocked identifiers only); not applied", i.messageId(), sourceId);
            return Uni.createFrom().voidItem();
        }
        return identities.owners(sql, lookups)
                .chain(owners -> lockOwners(sql, scope, lookups, owners))
                .chain(owners -> ownersState(sql, owners).chain(known -> {
                    IdentityResolver.Decision decision = alias ? aliasDecision(i, ids, owners)
                            : rules.resolver().decide(ids, owners, known.identifiers());
                    if (!decision.refusedMerges().isEmpty()) {
                        LOG.infof("message %s: not merging %s (identifier limits)", i.messageId(), decision.refusedMerges());
                    }
                    return resolveTarget(sql, decision, known.states(), now)
                            .invoke(state -> scope.held.add(state.id()))
                            .chain(state -> applyTo(sql, state, known.states(), decision, i, sourceId, now));
                }));
    }

    /**
     * journey-service sets traits on a profile it knows only by id (an update-traits step), and
     * channel-gateway reports opens, clicks and bounces of the emails it sent to a profile: both name the
     * profile in {@code context.touchpoint.profileId}. Only these two sources are trusted with it; the
     * gateway stamps every tracked call with its own source's id, so no website can address a
     * profile this way.
     */
    static String addressedProfile(Interaction i, String sourceId) {
        boolean trusted = Interaction.JOURNEY_SOURCE.equals(sourceId) || Interaction.GATEWAY_SOURCE.equals(sourceId);
        return trusted ? i.addressedProfileId() : null;
    }

    private Uni<Void> applyToAddressed(SqlClient sql, Scope scope, String profileId, Interaction i, String sourceId, Instant now) {
        return profiles.lock(sql, List.of(profileId))
                .chain(() -> profiles.loadAll(sql, List.of(profileId)))
                .chain(states -> {
                    ProfileState state = states.get(profileId);
                    if (state == null) {
                        // Erased, or merged into another since the journey asked: nobody to apply it to.
                        LOG.debugf("message %s from %s addresses profile %s, which is gone; dropped", i.messageId(), sourceId,
                                profileId);
                        return Uni.createFrom().voidItem();
                    }
                    scope.held.add(profileId);
                    var decision = new IdentityResolver.Decision(Optional.of(profileId), List.of(), List.of(), List.of());
                    return applyTo(sql, state, states, decision, i, sourceId, now);
                });
    }

    /**
     * Locks the owning profiles, then reads the owners again: an identifier that moved in between
     * (a concurrent merge) means retrying. Not needed when the owners are all held already, as they
     * usually are (the batch locked them up front; whoever moves an identifier locks its profile
     * first), nor when there are none (an identifier claimed concurrently fails the attach instead).
     */
    private Uni<Map<Identifier, String>> lockOwners(SqlClient sql, Scope scope, List<Identifier> lookups,
            Map<Identifier, String> owners) {
        List<String> owning = List.copyOf(new LinkedHashSet<>(owners.values()));
        if (scope.held.containsAll(owning)) {
            return Uni.createFrom().item(owners);
        }
        return profiles.lock(sql, owning)
                .chain(() -> identities.owners(sql, lookups))
                .invoke(again -> {
                    if (!again.equals(owners)) {
                        throw new Transactions.ConcurrentChange("identifiers moved while locking");
                    }
                    scope.held.addAll(owning);
                });
    }

    /** The owning profiles and all their identifiers, read together. */
    private record Known(Map<String, ProfileState> states, Map<String, List<Identifier>> identifiers) {
    }

    private Uni<Known> ownersState(SqlClient sql, Map<Identifier, String> owners) {
        List<String> owning = List.copyOf(new LinkedHashSet<>(owners.values()));
        if (owning.isEmpty()) {
            return Uni.createFrom().item(new Known(Map.of(), Map.of()));
        }
        return Uni.combine().all().unis(profiles.loadAll(sql, owning), identities.identifiersOfAll(sql, owning))
                .asTuple().map(both -> new Known(both.getItem1(), both.getItem2()));
    }

    /** alias(previousId → userId): the previous identity's profile merges into the userId's. */
    private IdentityResolver.Decision aliasDecision(Interaction i, List<Identifier> ids, Map<Identifier, String> owners) {
        Identifier user = new Identifier(Identifier.USER_ID, i.userId());
        Optional<String> previous = Optional.ofNullable(owners.get(new Identifier(Identifier.USER_ID, i.previousId())))
                .or(() -> Optional.ofNullable(owners.get(new Identifier(Identifier.ANONYMOUS_ID, i.previousId()))));
        List<Identifier> unowned = ids.stream().filter(id -> !owners.containsKey(id)).toList();
        String target = owners.get(user);
        if (target == null) {
            // The userId is new: the previous identity's profile takes it (a rename, not a merge).
            return previous.map(p -> IdentityResolver.alias(p, Optional.empty(), unowned))
                    .orElseGet(() -> new IdentityResolver.Decision(Optional.empty(), List.of(), unowned, List.of()));
        }
        return IdentityResolver.alias(target, previous, unowned);
    }

    private Uni<ProfileState> resolveTarget(SqlClient sql, IdentityResolver.Decision decision,
            Map<String, ProfileState> owners, Instant now) {
        if (decision.createsProfile()) {
            ProfileState created = ProfileState.created(UUID.randomUUID().toString(), now);
            // Inserted first: identifiers and events reference it.
            return profiles.insert(sql, created, now).replaceWith(created);
        }
        return Uni.createFrom().item(Optional.ofNullable(owners.get(decision.target().orElseThrow())).orElseThrow());
    }

    private Uni<Void> applyTo(SqlClient sql, ProfileState state, Map<String, ProfileState> owners,
            IdentityResolver.Decision decision, Interaction i, String sourceId, Instant now) {
        String target = state.id();
        return each(decision.merge(), loser -> {
            ProfileState loserState = Optional.ofNullable(owners.get(loser)).orElseThrow();
            rules.computed().mergeInto(state, loserState);
            state.markChanged("merged");
            return identities.merge(sql, loser, target, i.type().equals(Interaction.ALIAS) ? "alias" : "shared identifier",
                    sourceId, i.messageId(), now)
                    .chain(() -> consents.merge(sql, loser, target))
                    .chain(() -> profiles.moveActivity(sql, loser, target))
                    .chain(() -> profiles.delete(sql, loser));
        })
                .chain(() -> decision.attach().isEmpty() ? Uni.createFrom().voidItem()
                        : Uni.combine().all().unis(decision.attach().stream()
                                .map(id -> identities.attach(sql, target, id, sourceId, i.timestamp()).invoke(attached -> {
                                    if (!attached) {
                                        throw new Transactions.ConcurrentChange("identifier claimed concurrently: " + id.type());
                                    }
                                    state.markChanged("identifiers." + id.type());
                                })).toList())
                                .discardItems())
                .chain(() -> {
                    // The event is recorded, counted and its consent applied in one round trip, with the
                    // writer's reads behind them; the state changes in memory meanwhile. If the record
                    // turns out to exist already, the transaction fails and nothing of this stays.
                    String counted = eventName(i);
                    List<Uni<?>> statements = new ArrayList<>();
                    statements.add(profiles.recordEvent(sql, target, sourceId, i.messageId(), i.type(), counted,
                            i.timestamp(), i.receivedAt() == null ? now : i.receivedAt(), json.write(i))
                            .invoke(recorded -> {
                                if (!recorded) {
                                    throw new Transactions.ConcurrentChange("message applied concurrently");
                                }
                            }));
                    applyTraits(state, i, sourceId);
                    rules.computed().apply(state, i);
                    if (counted != null) {
                        BigDecimal value = rules.computed().isPurchase(counted) || rules.computed().isRefund(counted)
                                ? rules.computed().value(i) : BigDecimal.ZERO;
                        statements.add(profiles.countDaily(sql, target, counted, i.timestamp(), value));
                    }
                    for (ConsentChange c : rules.consent().read(i)) {
                        statements.add(consents.apply(sql, target, c, now).invoke(changed -> {
                            if (changed) {
                                state.markChanged("consent." + c.channel() + "." + c.topic());
                            }
                        }));
                    }
                    statements.add(writer.reads(sql, target, now));
                    return Uni.combine().all().unis(statements).with(items -> (ProfileWriter.Reads) items.get(items.size() - 1));
                })
                .chain(reads -> writer.writeWith(sql, state, false, decision.merge(), trigger(i, sourceId), reads, now))
                .replaceWithVoid();
    }

    /** The name an interaction is counted under in the daily table and evaluated by in windows. */
    static String eventName(Interaction i) {
        return switch (i.type()) {
            case Interaction.TRACK -> i.event();
            case Interaction.PAGE -> "Page Viewed";
            case Interaction.SCREEN -> "Screen Viewed";
            default -> null;
        };
    }

    private void applyTraits(ProfileState state, Interaction i, String sourceId) {
        Instant at = i.timestamp();
        if (i.traits() != null && (Interaction.IDENTIFY.equals(i.type()) || Interaction.ALIAS.equals(i.type()))) {
            i.traits().forEach((name, value) -> {
                String preference = PREFERENCE_TRAITS.get(name);
                if (preference != null) {
                    state.setPreference(preference, value, at, sourceId);
                } else {
                    state.setTrait(name, value, at, sourceId);
                }
            });
        }
        if (Interaction.GROUP.equals(i.type()) && i.groupId() != null) {
            state.setTrait("groupId", i.groupId(), at, sourceId);
        }
        // Device settings fill in preferences the person has not stated.
        if (i.context() != null) {
            Set<String> stated = state.preferences().keySet();
            if (i.context().get("timezone") instanceof String tz && !stated.contains("timeZone")) {
                state.setPreference("timeZone", tz, at, sourceId);
            }
            if (i.context().get("locale") instanceof String locale && !stated.contains("locale")) {
                state.setPreference("locale", locale, at, sourceId);
            }
        }
    }

    private static ProfileChanged.Trigger trigger(Interaction i, String sourceId) {
        return new ProfileChanged.Trigger(sourceId, i.messageId(), i.type(), i.type().equals(Interaction.TRACK) ? i.event()
                : i.name(), i.timestamp(), i.properties());
    }
}

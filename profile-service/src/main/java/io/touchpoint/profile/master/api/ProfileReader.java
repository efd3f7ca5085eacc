package io.touchpoint.profile.master.api;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.touchpoint.platform.api.Page;
import io.touchpoint.profile.consent.store.ConsentStore;
import io.touchpoint.profile.identity.domain.Identifier;
import io.touchpoint.profile.identity.store.IdentityStore;
import io.touchpoint.profile.master.domain.ProfileState;
import io.touchpoint.profile.master.domain.ProfileWriter;
import io.touchpoint.profile.master.store.ProfileStore;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

/** Assembles profile views: reads only, no transaction needed beyond one consistent connection. */
@ApplicationScoped
public class ProfileReader {

    @Inject
    Pool pool;
    @Inject
    Clock clock;
    @Inject
    ProfileStore profiles;
    @Inject
    IdentityStore identities;
    @Inject
    ConsentStore consents;
    @Inject
    ProfileWriter writer;

    public Uni<Optional<ProfileView>> byId(String id) {
        return pool.withConnection(sql -> profiles.resolveId(sql, id)
                .chain(resolved -> resolved.isEmpty() ? Uni.createFrom().item(Optional.<ProfileView>empty())
                        : view(sql, resolved.get())));
    }

    public Uni<Optional<ProfileView>> byIdentifier(Identifier identifier) {
        return pool.withConnection(sql -> identities.owners(sql, List.of(identifier))
                .chain(owners -> owners.isEmpty() ? Uni.createFrom().item(Optional.<ProfileView>empty())
                        : view(sql, owners.values().iterator().next())));
    }

    public Uni<Page<ProfileView>> page(String after, Map<String, Object> traitFilter, int limit) {
        return pool.withConnection(sql -> profiles.page(sql, after, traitFilter, limit + 1).chain(states -> {
            List<ProfileState> items = states.size() > limit ? states.subList(0, limit) : states;
            String next = states.size() > limit ? items.get(items.size() - 1).id() : null;
            Uni<List<ProfileView>> views = Uni.createFrom().item(new java.util.ArrayList<>());
            for (ProfileState state : items) {
                views = views.chain(list -> assemble(sql, state).map(v -> {
                    list.add(v);
                    return list;
                }));
            }
            return views.map(list -> new Page<>(list, next));
        }));
    }

    /** GDPR export: everything held about the person, including what merged into the profile. */
    public Uni<Optional<Map<String, Object>>> export(String id) {
        return pool.withConnection(sql -> profiles.resolveId(sql, id).chain(resolved -> {
            if (resolved.isEmpty()) {
                return Uni.createFrom().item(Optional.<Map<String, Object>>empty());
            }
            String pid = resolved.get();
            Map<String, Object> export = new LinkedHashMap<>();
            export.put("exportedAt", clock.instant());
            return view(sql, pid).invoke(v -> export.put("profile", v.orElseThrow()))
                    .chain(() -> consents.history(sql, pid)).invoke(h -> export.put("consentHistory",
                            h.stream().map(ProfileReader::consentView).toList()))
                    .chain(() -> profiles.timeline(sql, pid, null, null, Integer.MAX_VALUE))
                    .invoke(events -> export.put("events", events))
                    .chain(() -> profiles.dailyCounts(sql, pid)).invoke(counts -> export.put("dailyEventCounts", counts))
                    .chain(() -> identities.aliasesOf(sql, pid))
                    .chain(aliases -> {
                        List<String> all = new java.util.ArrayList<>(aliases);
                        all.add(pid);
                        return identities.mergeAudit(sql, all);
                    })
                    .invoke(audit -> export.put("merges", audit))
                    .replaceWith(() -> Optional.of(export));
        }));
    }

    private Uni<Optional<ProfileView>> view(SqlClient sql, String id) {
        return profiles.load(sql, id, false).chain(state -> state.isEmpty() ? Uni.createFrom().item(Optional.<ProfileView>empty())
                : assemble(sql, state.get()).map(Optional::of));
    }

    private Uni<ProfileView> assemble(SqlClient sql, ProfileState state) {
        return writer.refresh(sql, state, clock.instant())
                .chain(() -> identities.identifiersOf(sql, state.id()))
                .chain(ids -> consents.current(sql, state.id())
                        .chain(consent -> identities.aliasesOf(sql, state.id())
                                .map(aliases -> toView(state, ids, consent, aliases))));
    }

    private static ProfileView toView(ProfileState state, List<IdentityStore.StoredIdentifier> ids,
            List<ConsentStore.ConsentRecord> consent, List<String> aliases) {
        Map<String, ProfileView.TraitSource> sources = new LinkedHashMap<>();
        state.traitMeta().forEach((k, v) -> sources.put(k, new ProfileView.TraitSource(v.at(), v.source())));
        return new ProfileView(state.id(), state.version(),
                ids.stream().map(i -> new ProfileView.IdentifierView(i.type(), i.value(), i.sourceId(), i.firstSeen())).toList(),
                state.traits(), sources, consent.stream().map(ProfileReader::consentView).toList(), state.preferences(),
                state.computed(), state.firstSeen(), state.lastSeen(), state.createdAt(), aliases);
    }

    static ProfileView.ConsentView consentView(ConsentStore.ConsentRecord c) {
        return new ProfileView.ConsentView(c.channel(), c.topic(), c.status().name().toLowerCase(java.util.Locale.ROOT),
                c.transactional(), c.at(), c.source(), c.proof(), c.recordedAt());
    }
}

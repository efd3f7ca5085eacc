package io.touchpoint.gateway.recipient.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.gateway.recipient.domain.RecipientIdentifier;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** The userIds and anonymousIds of each profile (V25's {@code recipient_identifier}). */
@ApplicationScoped
public class IdentifierStore {

    /**
     * Makes each profile's list its identifiers: those it no longer has are forgotten, and one held
     * by another profile moves to it (identifiers move between profiles only by a merge). Where two
     * profiles name the same identifier, the later one in the map's order holds it.
     */
    public Uni<Void> replaceAll(SqlClient sql, Map<String, List<RecipientIdentifier>> idsByProfile) {
        if (idsByProfile.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<RecipientIdentifier, String> holder = new LinkedHashMap<>();
        idsByProfile.forEach((profile, ids) -> ids.forEach(id -> {
            holder.remove(id);
            holder.put(id, profile);
        }));
        String[] profiles = holder.values().toArray(String[]::new);
        String[] kinds = holder.keySet().stream().map(RecipientIdentifier::kind).toArray(String[]::new);
        String[] values = holder.keySet().stream().map(RecipientIdentifier::value).toArray(String[]::new);
        return sql.preparedQuery("""
                DELETE FROM recipient_identifier WHERE profile_id = ANY($1::text[])
                AND (profile_id, kind, value) NOT IN (SELECT * FROM unnest($2::text[], $3::text[], $4::text[]))""")
                .execute(Tuple.of(idsByProfile.keySet().toArray(String[]::new), profiles, kinds, values))
                .chain(() -> holder.isEmpty() ? Uni.createFrom().voidItem() : sql.preparedQuery("""
                        INSERT INTO recipient_identifier (kind, value, profile_id)
                        SELECT kind, value, profile_id FROM unnest($1::text[], $2::text[], $3::text[]) AS ids(profile_id, kind, value)
                        ON CONFLICT (kind, value) DO UPDATE SET profile_id = excluded.profile_id
                        WHERE recipient_identifier.profile_id <> excluded.profile_id""")
                        .execute(Tuple.of(profiles, kinds, values)).replaceWithVoid());
    }

    /** The profiles' identifiers, by profile id. */
    public Uni<Map<String, List<RecipientIdentifier>>> of(SqlClient sql, List<String> profileIds) {
        return sql.preparedQuery("SELECT profile_id, kind, value FROM recipient_identifier WHERE profile_id = ANY($1)")
                .execute(Tuple.of(profileIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, List<RecipientIdentifier>> byProfile = new TreeMap<>();
                    for (Row r : rows) {
                        byProfile.computeIfAbsent(r.getString(0), id -> new ArrayList<>())
                                .add(new RecipientIdentifier(r.getString(1), r.getString(2)));
                    }
                    return byProfile;
                });
    }

    /** Deletes the profiles' identifiers and answers what they were. */
    public Uni<List<RecipientIdentifier>> delete(SqlClient sql, List<String> profileIds) {
        return sql.preparedQuery("DELETE FROM recipient_identifier WHERE profile_id = ANY($1) RETURNING kind, value")
                .execute(Tuple.of(profileIds.toArray(String[]::new)))
                .map(rows -> {
                    List<RecipientIdentifier> deleted = new ArrayList<>();
                    rows.forEach(r -> deleted.add(new RecipientIdentifier(r.getString(0), r.getString(1))));
                    return deleted;
                });
    }
}

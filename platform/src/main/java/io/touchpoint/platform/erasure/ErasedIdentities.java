package io.touchpoint.platform.erasure;

import static io.touchpoint.platform.store.Json.instant;
import static io.touchpoint.platform.store.Json.ts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The people this service erased, as salted SHA-256 hashes of their identities (profile ids, and
 * for profile-service the identifiers that resolve to them). Every consumer asks before it applies
 * a record, in the transaction that would apply it, so a record still in flight when the erasure
 * ran, or replayed from the earliest offset later, never brings the person back. Identities are
 * namespaced by kind ({@code profile}, {@code userId}, ...) so equal strings of different kinds
 * never collide.
 */
@ApplicationScoped
public class ErasedIdentities {

    public static final String PROFILE = "profile";

    /** Read once: the salt never changes (a migration wrote it). */
    private volatile byte[] salt;

    public record Identity(String kind, String value) {
    }

    public static List<Identity> profiles(Collection<String> profileIds) {
        return profileIds.stream().map(id -> new Identity(PROFILE, id)).toList();
    }

    public Uni<Void> remember(SqlClient sql, Collection<Identity> identities, Instant erasedAt) {
        if (identities.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return salt(sql).chain(s -> sql.preparedQuery("""
                INSERT INTO erased_identity (hash, erased_at) SELECT h, $2 FROM unnest($1::bytea[]) AS h
                ON CONFLICT (hash) DO NOTHING""")
                .execute(Tuple.of(hashes(s, identities).toArray(Buffer[]::new), ts(erasedAt))))
                .replaceWithVoid();
    }

    /**
     * @return for those of {@code identities} that belong to an erased person, when they were
     *         erased. A record about one of them that happened before that instant is stale (in
     *         flight or replayed) and must be dropped; a person who comes back later with the same
     *         email is a new sign-up, not a resurrection.
     */
    public Uni<Map<Identity, Instant>> erasedAt(SqlClient sql, Collection<Identity> identities) {
        if (identities.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return salt(sql).chain(s -> {
            Map<String, Identity> byHash = new HashMap<>();
            List<Buffer> hashes = new ArrayList<>();
            for (Identity identity : new LinkedHashSet<>(identities)) {
                Buffer hash = hash(s, identity);
                byHash.put(hex(hash), identity);
                hashes.add(hash);
            }
            return sql.preparedQuery("SELECT hash, erased_at FROM erased_identity WHERE hash = ANY($1::bytea[])")
                    .execute(Tuple.of(hashes.toArray(Buffer[]::new)))
                    .map(rows -> {
                        Map<Identity, Instant> erased = new HashMap<>();
                        rows.forEach(r -> erased.put(byHash.get(HexFormat.of().formatHex(r.getBuffer(0).getBytes())), instant(r.getOffsetDateTime(1))));
                        return erased;
                    });
        });
    }

    /** Whether a record that happened at {@code at} about these identities predates an erasure of one of them. */
    public static boolean stale(Map<Identity, Instant> erasedAt, Collection<Identity> about, Instant at) {
        for (Identity identity : about) {
            Instant erased = erasedAt.get(identity);
            if (erased != null && (at == null || !at.isAfter(erased))) {
                return true;
            }
        }
        return false;
    }

    private Uni<byte[]> salt(SqlClient sql) {
        byte[] known = salt;
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return sql.query("SELECT salt FROM erasure_salt").execute().map(rows -> {
            byte[] read = rows.iterator().next().getBuffer(0).getBytes();
            salt = read;
            return read;
        });
    }

    private static List<Buffer> hashes(byte[] salt, Collection<Identity> identities) {
        return identities.stream().distinct().map(i -> hash(salt, i)).toList();
    }

    static Buffer hash(byte[] salt, Identity identity) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(salt);
            digest.update(identity.kind().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(identity.value().getBytes(StandardCharsets.UTF_8));
            return Buffer.buffer(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }

    private static String hex(Buffer buffer) {
        return HexFormat.of().formatHex(buffer.getBytes());
    }
}

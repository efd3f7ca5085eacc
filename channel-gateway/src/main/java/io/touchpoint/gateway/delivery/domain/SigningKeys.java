package io.touchpoint.gateway.delivery.domain;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.gateway.delivery.store.SigningKeyStore;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The keys the gateway signs its links with (unsubscribe, open and click tracking). They live in
 * the database, so every replica checks the same signatures and no configuration can leak them;
 * each is read once per process.
 */
@ApplicationScoped
public class SigningKeys {

    private final Pool pool;
    private final SigningKeyStore store;
    private final Map<String, byte[]> known = new ConcurrentHashMap<>();

    SigningKeys(Pool pool, SigningKeyStore store) {
        this.pool = pool;
        this.store = store;
    }

    public Uni<byte[]> key(String purpose) {
        byte[] key = known.get(purpose);
        if (key != null) {
            return Uni.createFrom().item(key);
        }
        return pool.withConnection(sql -> store.key(sql, purpose)).invoke(k -> known.put(purpose, k));
    }
}

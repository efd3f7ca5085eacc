package io.touchpoint.benchmarks;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.touchpoint.contracts.EventJson;
import io.touchpoint.contracts.events.JourneyEvent;
import io.touchpoint.contracts.events.MessageRequested;

/**
 * The raw ceilings of the journey benchmark, measured in the same run on the same broker and
 * PostgreSQL: plain Kafka clients relaying same-size records over the same two hops, and plain JDBC
 * running the statements one journey step needs in one transaction, at the same open-loop rate.
 */
final class JourneyCeilings {

    static final String HOP1 = "touchpoint.bench.raw-hop1";
    static final String HOP2 = "touchpoint.bench.raw-hop2";

    private JourneyCeilings() {
    }

    record RelayResult(long sent, long seen, Histogram hop1Micros, Histogram twoHopsMicros) {
    }

    /**
     * A plain producer (linger 0, as the benchmark's trigger producer) → a plain consumer, which
     * at once sends each record on with a producer configured as the services' outbox relay
     * (acks=all, idempotent, kafka-clients' default linger) → a plain consumer: journey-service's two
     * Kafka hops with nothing in between. Latency from each record's intended send.
     */
    static RelayResult kafkaRelay(String bootstrap, KafkaProbe probe, int rate, Duration warmup, Duration time,
            IntFunction<ProducerRecord<String, byte[]>> records) throws Exception {
        probe.recreateTopic(HOP1, 6);
        probe.recreateTopic(HOP2, 6);
        Map<String, Long> intended = new ConcurrentHashMap<>();
        Histogram hop1 = new Histogram(600_000_000L, 3);
        Histogram twoHops = new Histogram(600_000_000L, 3);
        int warmupCount = (int) (rate * warmup.toSeconds());
        int total = warmupCount + (int) (rate * time.toSeconds());
        try (var source = new KafkaProducer<>(JourneyTraffic.producerConfig(bootstrap, 0), new StringSerializer(), new ByteArraySerializer());
                var relay = new KafkaProducer<>(JourneyTraffic.relayProducerConfig(bootstrap), new StringSerializer(),
                        new ByteArraySerializer());
                var tap1 = new TopicTap(bootstrap, "raw-hop1", List.of(HOP1));
                var tap2 = new TopicTap(bootstrap, "raw-hop2", List.of(HOP2))) {
            tap1.listen((r, now) -> {
                var next = new ProducerRecord<>(HOP2, r.key(), r.value());
                for (Header h : r.headers()) {
                    next.headers().add(h);
                }
                relay.send(next);
                Long start = intended.get(r.key());
                if (start != null && !warming(r.key(), warmupCount)) {
                    synchronized (hop1) {
                        hop1.recordValue(Math.max(1, (now - start) / 1000));
                    }
                }
            });
            tap2.listen((r, now) -> {
                Long start = intended.remove(r.key());
                if (start != null && !warming(r.key(), warmupCount)) {
                    synchronized (twoHops) {
                        twoHops.recordValue(Math.max(1, (now - start) / 1000));
                    }
                }
            });
            long interval = 1_000_000_000L / rate;
            long next = System.nanoTime();
            for (int i = 0; i < total; i++) {
                ProducerRecord<String, byte[]> template = records.apply(i);
                // Keys as long as profile-service's (UUIDs, 36 characters).
                var record = new ProducerRecord<>(HOP1, "raw-" + String.format("%032d", i), template.value());
                template.headers().forEach(h -> record.headers().add(h));
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                intended.put(record.key(), next);
                source.send(record);
                next += interval;
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!intended.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
        probe.deleteTopic(HOP1);
        probe.deleteTopic(HOP2);
        return new RelayResult(total - warmupCount, twoHops.getTotalCount(), hop1, twoHops);
    }

    private static boolean warming(String key, int warmupCount) {
        return Integer.parseInt(key.substring(4)) < warmupCount;
    }

    record PgResult(String name, int statements, long transactions, Histogram openLoopMicros, double closedLoopPerSecond,
            Histogram closedLoopMicros) {
    }

    /** Creates {@code bench_raw}: empty copies (indexes included) of the tables a step writes, in journey-service's database. */
    static void createRawSchema(Connection db) throws Exception {
        try (Statement s = db.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS bench_raw CASCADE");
            s.execute("CREATE SCHEMA bench_raw");
            for (String table : List.of("journey_entry", "journey_instance", "journey_step", "erased_identity")) {
                s.execute("CREATE TABLE bench_raw." + table + " (LIKE public." + table + " INCLUDING ALL)");
            }
            // Its own sequence: LIKE would copy the default, i.e. share the service's outbox sequence.
            s.execute("CREATE TABLE bench_raw.outbox (LIKE public.outbox INCLUDING ALL EXCLUDING DEFAULTS)");
            s.execute("CREATE SEQUENCE bench_raw.outbox_id_seq OWNED BY bench_raw.outbox.id");
            s.execute("ALTER TABLE bench_raw.outbox ALTER COLUMN id SET DEFAULT nextval('bench_raw.outbox_id_seq')");
        }
    }

    /**
     * {@code minimal}: the four inserts a step needs (entry, instance, step, outbox row) in one
     * transaction. {@code service}: the thirteen statements journey-service runs, in its order, for a
     * trigger that enters a send → exit journey (erased check, entry, re-entry read, instance, entry
     * update, entered event, next step number, message request, step, node event, exit move, step,
     * exited event). Plain JDBC, one connection, server-side prepared statements, first at
     * {@code rate} open loop (latency per transaction from its intended start), then closed loop.
     */
    static PgResult pgTransactions(String jdbcUrl, String user, String password, boolean service, int rate, Duration time,
            Duration closedTime) throws Exception {
        try (Connection db = DriverManager.getConnection(jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?")
                + "currentSchema=bench_raw&prepareThreshold=1&ApplicationName=" + PgActivity.APPLICATION + "-raw", user, password)) {
            db.setAutoCommit(false);
            Step step = service ? new ServiceStatements(db) : new MinimalStatements(db);
            // Warm-up: the JIT, the server's plans.
            for (int i = 0; i < 500; i++) {
                step.run("warm-" + i);
                db.commit();
            }
            Histogram open = new Histogram(600_000_000L, 3);
            long interval = 1_000_000_000L / rate;
            int count = (int) (rate * time.toSeconds());
            long next = System.nanoTime();
            for (int i = 0; i < count; i++) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                step.run("open-" + i);
                db.commit();
                open.recordValue(Math.max(1, (System.nanoTime() - next) / 1000));
                next += interval;
            }
            Histogram closed = new Histogram(600_000_000L, 3);
            long start = System.nanoTime();
            long deadline = start + closedTime.toNanos();
            long done = 0;
            while (System.nanoTime() < deadline) {
                long t = System.nanoTime();
                step.run("closed-" + done);
                db.commit();
                closed.recordValue(Math.max(1, (System.nanoTime() - t) / 1000));
                done++;
            }
            double perSecond = done / ((System.nanoTime() - start) / 1e9);
            return new PgResult(service ? "service's 13 statements" : "minimal 4 inserts", step.statements(), count, open,
                    perSecond, closed);
        }
    }

    private interface Step {
        void run(String profileId) throws Exception;

        int statements();
    }

    private static String messageRequested(String requestId, String profileId, Instant now) {
        return new String(EventJson.write(new MessageRequested(requestId, profileId, "j-raw", "send", "email", "bench-welcome",
                null, false, Map.of(), now)), StandardCharsets.UTF_8);
    }

    private static String journeyEvent(String profileId, String instanceId, JourneyEvent.Kind kind, String detail, Instant now) {
        return new String(EventJson.write(new JourneyEvent(UUID.randomUUID().toString(), profileId, "j-raw", 1, instanceId, kind,
                "send", detail, now)), StandardCharsets.UTF_8);
    }

    private static final String OUTBOX = """
            INSERT INTO outbox (event_id, topic, record_key, event_type, payload, created_at)
            VALUES (?, ?, ?, ?, ?::text::jsonb, ?)""";

    private static void outbox(PreparedStatement s, String eventId, String topic, String key, String type, String payload,
            Timestamp now) throws Exception {
        s.setString(1, eventId);
        s.setString(2, topic);
        s.setString(3, key);
        s.setString(4, type);
        s.setString(5, payload);
        s.setTimestamp(6, now);
        s.executeUpdate();
    }

    private static final class MinimalStatements implements Step {
        private final PreparedStatement entry;
        private final PreparedStatement instance;
        private final PreparedStatement step;
        private final PreparedStatement outbox;

        MinimalStatements(Connection db) throws Exception {
            entry = db.prepareStatement("INSERT INTO journey_entry (journey_id, profile_id, trigger_id, instance_id) VALUES (?, ?, ?, ?)");
            instance = db.prepareStatement("""
                    INSERT INTO journey_instance (id, journey_id, version, profile_id, entry_key, state, node_id, entered_at, updated_at)
                    VALUES (?, ?, 1, ?, '', 'exited', 'done', ?, ?)""");
            step = db.prepareStatement("INSERT INTO journey_step (instance_id, seq, node_id, outcome, at) VALUES (?, 1, 'send', ?, ?)");
            outbox = db.prepareStatement(OUTBOX);
        }

        @Override
        public void run(String profileId) throws Exception {
            Instant now = Instant.now();
            Timestamp ts = Timestamp.from(now);
            String id = UUID.randomUUID().toString();
            String requestId = UUID.randomUUID().toString();
            entry.setString(1, "j-raw");
            entry.setString(2, profileId);
            entry.setString(3, "bench-source\n" + UUID.randomUUID());
            entry.setString(4, id);
            entry.executeUpdate();
            instance.setString(1, id);
            instance.setString(2, "j-raw");
            instance.setString(3, profileId);
            instance.setTimestamp(4, ts);
            instance.setTimestamp(5, ts);
            instance.executeUpdate();
            step.setString(1, id);
            step.setString(2, "message requested " + requestId);
            step.setTimestamp(3, ts);
            step.executeUpdate();
            outbox(outbox, requestId, "touchpoint.message-requests.v1", profileId, "io.touchpoint.message.requested.v1",
                    messageRequested(requestId, profileId, now), ts);
        }

        @Override
        public int statements() {
            return 4;
        }
    }

    private static final class ServiceStatements implements Step {
        private final PreparedStatement erased;
        private final PreparedStatement entry;
        private final PreparedStatement last;
        private final PreparedStatement instance;
        private final PreparedStatement entryInstance;
        private final PreparedStatement outbox;
        private final PreparedStatement nextSeq;
        private final PreparedStatement step;
        private final PreparedStatement move;

        ServiceStatements(Connection db) throws Exception {
            erased = db.prepareStatement("SELECT hash, erased_at FROM erased_identity WHERE hash = ?");
            entry = db.prepareStatement("INSERT INTO journey_entry (journey_id, profile_id, trigger_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
            last = db.prepareStatement("""
                    SELECT state, entered_at FROM journey_instance WHERE journey_id = ? AND profile_id = ? AND entry_key = ?
                    ORDER BY entered_at DESC LIMIT 1""");
            instance = db.prepareStatement("""
                    INSERT INTO journey_instance (id, journey_id, version, profile_id, entry_key, state, node_id, entered_at, updated_at)
                    VALUES (?, ?, 1, ?, '', 'active', 'send', ?, ?)
                    ON CONFLICT (journey_id, profile_id, entry_key) WHERE state <> 'exited' DO NOTHING""");
            entryInstance = db.prepareStatement("UPDATE journey_entry SET instance_id = ? WHERE journey_id = ? AND profile_id = ? AND trigger_id = ?");
            outbox = db.prepareStatement(OUTBOX);
            nextSeq = db.prepareStatement("SELECT coalesce(max(seq), 0) + 1 FROM journey_step WHERE instance_id = ?");
            step = db.prepareStatement("INSERT INTO journey_step (instance_id, seq, node_id, outcome, at) VALUES (?, ?, ?, ?, ?)");
            move = db.prepareStatement("UPDATE journey_instance SET state = ?, node_id = ?, exit_reason = ?, updated_at = ? WHERE id = ?");
        }

        @Override
        public void run(String profileId) throws Exception {
            Instant now = Instant.now();
            Timestamp ts = Timestamp.from(now);
            String id = UUID.randomUUID().toString();
            String trigger = "bench-source\n" + UUID.randomUUID();
            String requestId = UUID.randomUUID().toString();
            erased.setBytes(1, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
            try (ResultSet rs = erased.executeQuery()) {
                rs.next();
            }
            entry.setString(1, "j-raw");
            entry.setString(2, profileId);
            entry.setString(3, trigger);
            entry.executeUpdate();
            last.setString(1, "j-raw");
            last.setString(2, profileId);
            last.setString(3, "");
            try (ResultSet rs = last.executeQuery()) {
                rs.next();
            }
            instance.setString(1, id);
            instance.setString(2, "j-raw");
            instance.setString(3, profileId);
            instance.setTimestamp(4, ts);
            instance.setTimestamp(5, ts);
            instance.executeUpdate();
            entryInstance.setString(1, id);
            entryInstance.setString(2, "j-raw");
            entryInstance.setString(3, profileId);
            entryInstance.setString(4, trigger);
            entryInstance.executeUpdate();
            outbox(outbox, UUID.randomUUID().toString(), "touchpoint.journey-events.v1", profileId, "io.touchpoint.journey.event.v1",
                    journeyEvent(profileId, id, JourneyEvent.Kind.ENTERED, "entered", now), ts);
            nextSeq.setString(1, id);
            int seq;
            try (ResultSet rs = nextSeq.executeQuery()) {
                rs.next();
                seq = rs.getInt(1);
            }
            outbox(outbox, requestId, "touchpoint.message-requests.v1", profileId, "io.touchpoint.message.requested.v1",
                    messageRequested(requestId, profileId, now), ts);
            step(id, seq, "send", "message requested " + requestId, ts);
            outbox(outbox, UUID.randomUUID().toString(), "touchpoint.journey-events.v1", profileId, "io.touchpoint.journey.event.v1",
                    journeyEvent(profileId, id, JourneyEvent.Kind.NODE, "message requested " + requestId, now), ts);
            move.setString(1, "exited");
            move.setString(2, "done");
            move.setString(3, "completed");
            move.setTimestamp(4, ts);
            move.setString(5, id);
            move.executeUpdate();
            step(id, seq + 1, "done", "exited: completed", ts);
            outbox(outbox, UUID.randomUUID().toString(), "touchpoint.journey-events.v1", profileId, "io.touchpoint.journey.event.v1",
                    journeyEvent(profileId, id, JourneyEvent.Kind.EXITED, "completed", now), ts);
        }

        private void step(String id, int seq, String node, String outcome, Timestamp ts) throws Exception {
            step.setString(1, id);
            step.setInt(2, seq);
            step.setString(3, node);
            step.setString(4, outcome);
            step.setTimestamp(5, ts);
            step.executeUpdate();
        }

        @Override
        public int statements() {
            return 13;
        }
    }
}

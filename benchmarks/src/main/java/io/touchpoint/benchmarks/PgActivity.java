package io.touchpoint.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a service's PostgreSQL sessions spend their time, without pg_stat_statements (the devstack's
 * server does not preload it): every 100 ms, the state and wait event of each client backend of one
 * database (this benchmark's own sessions left out). {@code active} is PostgreSQL executing a
 * statement, {@code idle in transaction} is the transaction open while the service computes or its
 * next statement is on its way, {@code idle} is a pooled connection nobody uses. Also the
 * database's transaction and row counters ({@code pg_stat_database}) over the same span.
 */
final class PgActivity implements AutoCloseable {

    static final String APPLICATION = "touchpoint-benchmark";

    private final Connection db;
    private final String database;
    private final Map<String, Long> samples = new TreeMap<>();
    private final Map<String, Long> before;
    private long ticks;
    private volatile boolean running = true;
    private final Thread thread;

    PgActivity(String jdbcUrl, String user, String password, String database) throws Exception {
        this.db = DriverManager.getConnection(jdbcUrl, user, password);
        this.database = database;
        this.before = counters(db, database);
        thread = new Thread(this::loop, "pg-activity");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try (PreparedStatement s = db.prepareStatement("""
                SELECT state, coalesce(wait_event_type || ':' || wait_event, 'cpu (no wait event)'), count(*)
                FROM pg_stat_activity WHERE datname = ? AND backend_type = 'client backend'
                  AND application_name NOT LIKE 'touchpoint-benchmark%' AND pid <> pg_backend_pid()
                GROUP BY 1, 2""")) {
            s.setString(1, database);
            while (running) {
                try (ResultSet rs = s.executeQuery()) {
                    synchronized (samples) {
                        ticks++;
                        while (rs.next()) {
                            String state = rs.getString(1);
                            String key = "idle".equals(state) ? "idle (pooled, unused)"
                                    : "active".equals(state) ? "active: " + rs.getString(2) : String.valueOf(state);
                            samples.merge(key, rs.getLong(3), Long::sum);
                        }
                    }
                }
                Thread.sleep(100);
            }
        } catch (Exception e) {
            if (running) {
                System.err.println("[journey-benchmark] pg_stat_activity sampling stopped: " + e);
            }
        }
    }

    /** pg_stat_database counters of one database (PostgreSQL flushes them at most every 500 ms). */
    static Map<String, Long> counters(Connection db, String database) throws Exception {
        Map<String, Long> values = new LinkedHashMap<>();
        try (PreparedStatement s = db.prepareStatement("""
                SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted, tup_returned, tup_fetched
                FROM pg_stat_database WHERE datname = ?""")) {
            s.setString(1, database);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    for (int i = 1; i <= 7; i++) {
                        values.put(rs.getMetaData().getColumnName(i), rs.getLong(i));
                    }
                }
            }
        }
        return values;
    }

    /** Stops sampling: a Markdown paragraph of the sessions' states and the counters, per unit of work when given. */
    String stop(long units, String unit) throws Exception {
        running = false;
        thread.join(2000);
        Thread.sleep(600); // let the backends flush their counters
        Map<String, Long> after = counters(db, database);
        db.close();
        StringBuilder out = new StringBuilder();
        long total;
        synchronized (samples) {
            total = samples.values().stream().mapToLong(Long::longValue).sum();
            out.append(String.format(Locale.ROOT, "PostgreSQL sessions of `%s` (pg_stat_activity every 100 ms, %d samples; "
                    + "mean sessions in each state):", database, ticks));
            samples.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).forEach(e -> out.append(
                    String.format(Locale.ROOT, " %s %.2f (%.0f%%);", e.getKey(), (double) e.getValue() / Math.max(1, ticks),
                            100.0 * e.getValue() / Math.max(1, total))));
        }
        out.setLength(out.length() - 1);
        out.append(".\n\n`pg_stat_database` over the phase");
        if (units > 0) {
            out.append(" (per ").append(unit).append(")");
        }
        out.append(":");
        for (var e : after.entrySet()) {
            long delta = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            out.append(String.format(Locale.ROOT, " %s %,d%s;", e.getKey(), delta,
                    units > 0 ? String.format(Locale.ROOT, " (%.2f)", (double) delta / units) : ""));
        }
        out.setLength(out.length() - 1);
        return out.append(".\n").toString();
    }

    @Override
    public void close() throws Exception {
        running = false;
        if (!db.isClosed()) {
            thread.join(2000);
            db.close();
        }
    }
}

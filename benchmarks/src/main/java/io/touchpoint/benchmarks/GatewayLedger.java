package io.touchpoint.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Read-only queries on channel-gateway's database (the devstack's PostgreSQL): the recipient
 * projection a benchmark waits for, and the ledger's progress while a run sends. The outcome a
 * report states is read through the API and the delivery events; this is for pacing and timelines.
 */
final class GatewayLedger implements AutoCloseable {

    private final Connection db;

    GatewayLedger(Map<String, String> env) throws SQLException {
        String url = "jdbc:postgresql://" + Settings.require(env, "TOUCHPOINT_DEVSTACK_POSTGRES_HOST") + ":"
                + Settings.require(env, "TOUCHPOINT_DEVSTACK_POSTGRES_PORT") + "/touchpoint_gateway?ApplicationName=touchpoint-benchmark";
        db = DriverManager.getConnection(url, Settings.require(env, "TOUCHPOINT_DEVSTACK_POSTGRES_USER"),
                Settings.require(env, "TOUCHPOINT_DEVSTACK_POSTGRES_PASSWORD"));
        db.setReadOnly(true);
    }

    /** Profile ids of the recipients whose address starts with {@code prefix}, by address. */
    Map<String, String> recipientsByAddress(String column, String prefix) throws SQLException {
        Map<String, String> found = new LinkedHashMap<>();
        try (PreparedStatement s = db.prepareStatement("SELECT " + column + ", profile_id FROM recipient WHERE " + column
                + " LIKE ? AND consents <> '[]'::jsonb")) {
            s.setString(1, prefix.replace("_", "\\_").replace("%", "\\%") + "%");
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return found;
    }

    long recipientCount(String column, String prefix) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("SELECT count(*) FROM recipient WHERE " + column + " LIKE ?")) {
            s.setString(1, prefix.replace("_", "\\_").replace("%", "\\%") + "%");
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Rows of one journey's requests per ledger state. */
    Map<String, Long> states(String journeyId) throws SQLException {
        Map<String, Long> states = new TreeMap<>();
        try (PreparedStatement s = db.prepareStatement("SELECT state, count(*) FROM delivery WHERE journey_id = ? GROUP BY state")) {
            s.setString(1, journeyId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    states.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return states;
    }

    /** The latest {@code sent_at} of one journey's requests (the gateway's clock after the provider's answer). */
    Instant lastSent(String journeyId) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("SELECT max(sent_at) FROM delivery WHERE journey_id = ?")) {
            s.setString(1, journeyId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                var at = rs.getTimestamp(1);
                return at == null ? null : at.toInstant();
            }
        }
    }

    /** Rows of the gateway's outbox not yet published (delivery events waiting for the relay). */
    long outbox() throws SQLException {
        try (PreparedStatement s = db.prepareStatement("SELECT count(*) FROM outbox"); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() throws SQLException {
        db.close();
    }
}

package io.touchpoint.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * How many interactions profile-service has applied: the rows of its timeline table
 * ({@code profile_event}, one per (sourceId, messageId), written in the same transaction as the
 * profile). Read-only; exact at commit time, unlike committed consumer offsets, which the Kafka
 * connector commits every few seconds.
 */
final class ProfileProgress implements AutoCloseable {

    private final Connection connection;

    ProfileProgress(String host, String port, String user, String password) throws SQLException {
        this.connection = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/touchpoint_profile",
                user, password);
        this.connection.setReadOnly(true);
    }

    long applied() throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM profile_event")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}

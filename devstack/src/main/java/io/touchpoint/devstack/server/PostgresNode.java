package io.touchpoint.devstack.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** A PostgreSQL server from the zonky binaries artifact, data kept under the devstack directory. */
final class PostgresNode implements AutoCloseable {

    static final String USER = "postgres";
    static final String PASSWORD = "postgres";

    private final EmbeddedPostgres postgres;

    private PostgresNode(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    static PostgresNode start(Path dir, ChildProcesses children) throws Exception {
        Path data = dir.resolve("postgres");
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setPort(Ports.free())
                .setServerConfig("max_connections", "200")
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .start();
        Path pidFile = data.resolve("postmaster.pid");
        if (Files.exists(pidFile)) {
            children.record(Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.US_ASCII).get(0).trim()));
        }
        return new PostgresNode(postgres);
    }

    int port() {
        return postgres.getPort();
    }

    /** Creates each database that does not exist yet, on this or an external server. */
    static void createDatabases(String jdbcUrl, String user, String password, List<String> databases)
            throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password); Statement s = c.createStatement()) {
            for (String db : databases) {
                try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + db + "'")) {
                    if (rs.next()) {
                        continue;
                    }
                }
                s.execute("CREATE DATABASE " + db);
            }
        }
    }

    @Override
    public void close() throws Exception {
        postgres.close();
    }
}

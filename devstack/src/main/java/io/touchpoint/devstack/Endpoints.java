package io.touchpoint.devstack;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where the running infrastructure answers, embedded or external. Written by the devstack process
 * as a properties file once every server is up, read by the launcher and the test resource.
 */
public record Endpoints(
        String kafkaBootstrapServers,
        String postgresHost,
        int postgresPort,
        String postgresUser,
        String postgresPassword,
        String redisUrl,
        String smtpHost,
        int smtpPort,
        int imapPort,
        String smppHost,
        int smppPort,
        String smppSystemId,
        String smppPassword,
        int smscHttpPort,
        Path jwtPublicKey,
        Path jwtPrivateKey,
        String jwtIssuer) {

    /** Each service owns one database on the shared server: {@code touchpoint_<service>}. */
    public static String databaseName(String service) {
        return "touchpoint_" + service.replace('-', '_');
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + postgresHost + ":" + postgresPort + "/" + database;
    }

    public String reactiveUrl(String database) {
        return "postgresql://" + postgresHost + ":" + postgresPort + "/" + database;
    }

    /**
     * The Quarkus configuration that points a service at these endpoints. Works as system
     * properties, as a test resource's overrides and (upper-cased, dots to underscores) as env.
     */
    public Map<String, String> quarkusConfig(String database, boolean mailer) {
        // "mailer": the service sends messages, by mail and by SMS (the gateway).
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", kafkaBootstrapServers);
        config.put("quarkus.datasource.username", postgresUser);
        config.put("quarkus.datasource.password", postgresPassword);
        config.put("quarkus.datasource.jdbc.url", jdbcUrl(database));
        config.put("quarkus.datasource.reactive.url", reactiveUrl(database));
        config.put("quarkus.redis.hosts", redisUrl);
        if (mailer) {
            config.put("quarkus.mailer.host", smtpHost);
            config.put("quarkus.mailer.port", Integer.toString(smtpPort));
            config.put("quarkus.mailer.mock", "false");
            if (imapPort > 0) {
                // The devstack's mail server keeps every mailbox: bounces and mailto unsubscribes are read there.
                config.put("touchpoint.gateway.bounces.mailbox", "bounces@touchpoint.local");
                config.put("touchpoint.gateway.bounces.host", smtpHost);
                config.put("touchpoint.gateway.bounces.port", Integer.toString(imapPort));
                config.put("touchpoint.gateway.unsubscribe.mailto", "unsubscribe@touchpoint.local");
                config.put("touchpoint.gateway.unsubscribe.imap.host", smtpHost);
                config.put("touchpoint.gateway.unsubscribe.imap.port", Integer.toString(imapPort));
            }
            if (smppHost != null) {
                config.put("touchpoint.gateway.sms.host", smppHost);
                config.put("touchpoint.gateway.sms.port", Integer.toString(smppPort));
                config.put("touchpoint.gateway.sms.system-id", smppSystemId);
                config.put("touchpoint.gateway.sms.password", smppPassword);
            }
        }
        config.put("mp.jwt.verify.publickey.location", jwtPublicKey.toUri().toString());
        config.put("mp.jwt.verify.issuer", jwtIssuer);
        return config;
    }

    /**
     * {@code Endpoints ENDPOINTS_FILE DATABASE [mailer]}: prints a service's configuration as
     * {@code key=value} lines; the launcher turns them into system properties.
     */
    public static void main(String[] args) throws IOException {
        Endpoints endpoints = read(Path.of(args[0]));
        boolean mailer = args.length > 2 && args[2].equals("mailer");
        endpoints.quarkusConfig(databaseName(args[1]), mailer).forEach((k, v) -> System.out.println(k + "=" + v));
    }

    public void write(Path file) throws IOException {
        Properties p = new Properties();
        p.putAll(asMap());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "Touchpoint devstack endpoints");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static Endpoints read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return new Endpoints(p.getProperty("kafka.bootstrap.servers"), p.getProperty("postgres.host"),
                Integer.parseInt(p.getProperty("postgres.port")), p.getProperty("postgres.user"),
                p.getProperty("postgres.password"), p.getProperty("redis.url"), p.getProperty("smtp.host"),
                Integer.parseInt(p.getProperty("smtp.port")), Integer.parseInt(p.getProperty("imap.port", "-1")),
                p.getProperty("smpp.host"), Integer.parseInt(p.getProperty("smpp.port", "-1")), p.getProperty("smpp.system-id"),
                p.getProperty("smpp.password"), Integer.parseInt(p.getProperty("smsc.http-port", "-1")),
                Path.of(p.getProperty("jwt.public-key")), Path.of(p.getProperty("jwt.private-key")),
                p.getProperty("jwt.issuer"));
    }

    public Map<String, String> asMap() {
        Map<String, String> m = new TreeMap<>();
        m.put("kafka.bootstrap.servers", kafkaBootstrapServers);
        m.put("postgres.host", postgresHost);
        m.put("postgres.port", Integer.toString(postgresPort));
        m.put("postgres.user", postgresUser);
        m.put("postgres.password", postgresPassword);
        m.put("redis.url", redisUrl);
        m.put("smtp.host", smtpHost);
        m.put("smtp.port", Integer.toString(smtpPort));
        m.put("imap.port", Integer.toString(imapPort));
        if (smppHost != null) {
            m.put("smpp.host", smppHost);
            m.put("smpp.port", Integer.toString(smppPort));
            m.put("smpp.system-id", smppSystemId);
            m.put("smpp.password", smppPassword);
        }
        m.put("smsc.http-port", Integer.toString(smscHttpPort));
        m.put("jwt.public-key", jwtPublicKey.toString());
        m.put("jwt.private-key", jwtPrivateKey.toString());
        m.put("jwt.issuer", jwtIssuer);
        return m;
    }
}

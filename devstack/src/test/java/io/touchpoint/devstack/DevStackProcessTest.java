package io.touchpoint.devstack;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.touchpoint.contracts.Topic;
import io.touchpoint.devstack.testing.RedisOutage;

/** The stack's servers are real and reachable, and nothing outlives the stack. */
class DevStackProcessTest {

    private static DevStackProcess stack;
    private static Endpoints endpoints;

    @BeforeAll
    static void start() throws Exception {
        stack = DevStackProcess.startFresh(Path.of("target/devstack"));
        endpoints = stack.endpoints();
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void kafkaHasEveryContractTopicWithItsPartitionsAndCarriesRecords() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", endpoints.kafkaBootstrapServers()))) {
            var described = admin.describeTopics(Stream.of(Topic.values()).map(Topic::topicName).toList())
                    .allTopicNames().get();
            for (Topic topic : Topic.values()) {
                assertEquals(topic.partitions(), described.get(topic.topicName()).partitions().size(), topic.name());
            }
        }
        String topic = Topic.ERASURES.topicName();
        String key = "p-" + UUID.randomUUID();
        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, "hello")).get();
        }
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "devstack-test",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key().equals(key)) {
                        return r.value().equals("hello");
                    }
                }
                return false;
            });
        }
    }

    @Test
    void postgresHasOneDatabasePerService() throws Exception {
        try (Connection c = DriverManager.getConnection(endpoints.jdbcUrl("postgres"), endpoints.postgresUser(),
                endpoints.postgresPassword()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT datname FROM pg_database")) {
            Set<String> names = new java.util.HashSet<>();
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            assertTrue(names.containsAll(Set.of("touchpoint_profile", "touchpoint_segmentation", "touchpoint_journey",
                    "touchpoint_gateway", "touchpoint_analytics")), names.toString());
        }
        try (Connection c = DriverManager.getConnection(endpoints.jdbcUrl("touchpoint_profile"),
                endpoints.postgresUser(), endpoints.postgresPassword()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int primary key)");
            s.execute("INSERT INTO t VALUES (42)");
            try (ResultSet rs = s.executeQuery("SELECT id FROM t")) {
                assertTrue(rs.next());
                assertEquals(42, rs.getInt(1));
            }
        }
    }

    @Test
    void redisAnswersCommands() throws Exception {
        URI uri = URI.create(endpoints.redisUrl());
        try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
            OutputStream out = s.getOutputStream();
            var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            out.write("SET k v\r\nGET k\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("+OK", in.readLine());
            assertEquals("$1", in.readLine());
            assertEquals("v", in.readLine());
        }
    }

    @Test
    void aRedisOutageFreezesTheServerUntilItEnds() throws Exception {
        URI uri = URI.create(endpoints.redisUrl());
        try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
            s.setSoTimeout(300);
            OutputStream out = s.getOutputStream();
            var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            try (RedisOutage outage = RedisOutage.of(stack.dir()).begin()) {
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThrows(SocketTimeoutException.class, in::readLine);
            }
            s.setSoTimeout(10_000);
            // The PING sent during the outage is answered once it ends, on the same connection.
            assertEquals("+PONG", in.readLine());
        }
    }

    @Test
    void smtpAcceptsMailThatImapServesBack() throws Exception {
        try (Socket s = new Socket(endpoints.smtpHost(), endpoints.smtpPort())) {
            var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            assertTrue(smtpReply(in).startsWith("220"));
            for (String[] step : new String[][] { { "HELO test", "250" }, { "MAIL FROM:<a@touchpoint.test>", "250" },
                    { "RCPT TO:<b@touchpoint.test>", "250" }, { "DATA", "354" },
                    { "Subject: hi\r\n\r\nbody\r\n.", "250" }, { "QUIT", "221" } }) {
                out.write((step[0] + "\r\n").getBytes(StandardCharsets.US_ASCII));
                String reply = smtpReply(in);
                assertTrue(reply.startsWith(step[1]), step[0] + " -> " + reply);
            }
        }
        try (Socket s = new Socket(endpoints.smtpHost(), endpoints.imapPort())) {
            var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            assertTrue(in.readLine().startsWith("* OK"));
            out.write("a1 LOGIN b@touchpoint.test b@touchpoint.test\r\na2 SELECT INBOX\r\n".getBytes(StandardCharsets.US_ASCII));
            String exists = null;
            for (String line; (line = in.readLine()) != null && !line.startsWith("a2 ");) {
                if (line.endsWith("EXISTS")) {
                    exists = line;
                }
            }
            assertEquals("* 1 EXISTS", exists);
        }
    }

    @Test
    void tokensAreSignedWithTheKeyThePublicPemVerifies() throws Exception {
        String token = JwtKeys.load(endpoints.jwtPrivateKey(), endpoints.jwtIssuer())
                .mint("alice", List.of("marketer"), Duration.ofMinutes(5));
        String[] parts = token.split("\\.");
        assertEquals(3, parts.length);
        var publicPem = Files.readString(endpoints.jwtPublicKey()).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        var publicKey = java.security.KeyFactory.getInstance("RSA").generatePublic(
                new java.security.spec.X509EncodedKeySpec(java.util.Base64.getDecoder().decode(publicPem)));
        var rs256 = java.security.Signature.getInstance("SHA256withRSA");
        rs256.initVerify(publicKey);
        rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(rs256.verify(java.util.Base64.getUrlDecoder().decode(parts[2])));
        String claims = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        assertTrue(claims.contains("\"groups\":[\"marketer\"]"), claims);
    }

    @Test
    void aKilledStackTakesItsNativeServersWithIt() throws Exception {
        try (DevStackProcess second = DevStackProcess.startFresh(Path.of("target/devstack"))) {
            Set<ProcessHandle> servers = nativeServers(second);
            Set<String> commands = servers.stream().map(h -> h.info().command().orElse("?"))
                    .map(c -> c.substring(c.lastIndexOf('/') + 1)).collect(Collectors.toSet());
            assertEquals(Set.of("postgres", "redis-server"), commands);

            ProcessHandle.of(second.pid()).orElseThrow().destroyForcibly();

            await().atMost(Duration.ofSeconds(30)).until(() -> servers.stream().noneMatch(ProcessHandle::isAlive));
            await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(pidFile(second)));
        }
    }

    /**
     * {@code ./touchpoint down && ./touchpoint up}: the stopped run's guardian acts once its JVM has
     * exited, while the next run in the same directory is starting, and must leave that run's
     * servers alone.
     */
    @Test
    void aStackRestartedAtOnceInTheSameDirectoryKeepsItsServers() throws Exception {
        Files.createDirectories(Path.of("target/devstack"));
        Path dir = Files.createTempDirectory(Path.of("target/devstack"), "restart-");
        DevStackProcess first = DevStackProcess.start(dir, false);
        long firstPid = first.pid();
        first.close();
        assertFalse(Files.exists(pidFile(first)), "an orderly stop deletes its pid file");
        try (DevStackProcess second = DevStackProcess.start(dir, true)) {
            Set<ProcessHandle> servers = nativeServers(second);
            assertEquals(2, servers.size());
            assertFalse(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false));
            // The old guardian woke up within a second of its JVM's exit; the new servers outlive that.
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> servers.stream().allMatch(ProcessHandle::isAlive));
            assertTrue(ping(second.endpoints()));
        }
    }

    /** A run whose JVM and guardian were both SIGKILLed leaves its servers; the next start reaps them. */
    @Test
    void theNextStartReapsServersARunKilledWithItsGuardianLeftBehind() throws Exception {
        Files.createDirectories(Path.of("target/devstack"));
        Path dir = Files.createTempDirectory(Path.of("target/devstack"), "reap-");
        DevStackProcess first = DevStackProcess.start(dir, false);
        Set<ProcessHandle> orphans = nativeServers(first);
        ProcessHandle jvm = ProcessHandle.of(first.pid()).orElseThrow();
        List<ProcessHandle> guardians = jvm.children()
                .filter(c -> c.info().command().map(cmd -> cmd.endsWith("sh")).orElse(false)).toList();
        assertEquals(1, guardians.size(), "one guardian shell per devstack JVM");
        guardians.get(0).destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> !guardians.get(0).isAlive());
        jvm.destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> !jvm.isAlive());
        assertTrue(orphans.stream().allMatch(ProcessHandle::isAlive), "without its guardian a killed run leaves its servers");
        first.close();

        try (DevStackProcess second = DevStackProcess.start(dir, true)) {
            assertTrue(orphans.stream().noneMatch(ProcessHandle::isAlive), "reaped before the new servers started");
            assertFalse(Files.exists(pidFile(first)));
            assertEquals(2, nativeServers(second).size());
            assertTrue(ping(second.endpoints()));
        }
    }

    private static Path pidFile(DevStackProcess stack) {
        return stack.dir().resolve("native-" + stack.pid() + ".pids");
    }

    private static Set<ProcessHandle> nativeServers(DevStackProcess stack) throws java.io.IOException {
        return Files.readAllLines(pidFile(stack)).stream()
                .map(pid -> ProcessHandle.of(Long.parseLong(pid.trim())).orElseThrow())
                .collect(Collectors.toSet());
    }

    private static boolean ping(Endpoints endpoints) throws java.io.IOException {
        URI uri = URI.create(endpoints.redisUrl());
        try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            return "+PONG".equals(new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine());
        }
    }

    /** The last line of a possibly multi-line SMTP reply ("250-..." continues, "250 ..." ends). */
    private static String smtpReply(BufferedReader in) throws java.io.IOException {
        String line = in.readLine();
        while (line != null && line.length() > 3 && line.charAt(3) == '-') {
            line = in.readLine();
        }
        return line;
    }
}

package io.touchpoint.devstack.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GSMSpecificFeature;
import org.jsmpp.bean.MessageMode;
import org.jsmpp.bean.MessageType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RawDataCoding;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The devstack's SMSC over real SMPP: binds, concatenated submits, receipts, replies from phones. */
class SmscNodeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    private static SmscNode smsc;

    @BeforeAll
    static void start() throws Exception {
        smsc = SmscNode.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        smsc.close();
    }

    private SMPPSession bind(String password, List<DeliverSm> received) throws Exception {
        return bind(password, received, new AtomicInteger());
    }

    /** A client that answers the first {@code throttled} receipts with ESME_RTHROTTLED, as a busy one does. */
    private SMPPSession bind(String password, List<DeliverSm> received, AtomicInteger throttled) throws Exception {
        SMPPSession session = new SMPPSession();
        session.setMessageReceiverListener(new MessageReceiverListener() {
            @Override
            public void onAcceptDeliverSm(DeliverSm deliverSm) throws ProcessRequestException {
                if (throttled.getAndDecrement() > 0) {
                    throw new ProcessRequestException("busy", SMPPConstant.STAT_ESME_RTHROTTLED);
                }
                received.add(deliverSm);
            }

            @Override
            public void onAcceptAlertNotification(AlertNotification alertNotification) {
            }

            @Override
            public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) {
                return null;
            }
        });
        session.connectAndBind("127.0.0.1", smsc.port(), new BindParameter(BindType.BIND_TRX, smsc.systemId(), password, "",
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null));
        return session;
    }

    @Test
    void aWrongPasswordIsRefused() {
        assertThrows(Exception.class, () -> bind("wrong", new CopyOnWriteArrayList<>()));
    }

    @Test
    void concatenatedUcs2SegmentsAreReassembledAndEachIsReceipted() throws Exception {
        List<DeliverSm> received = new CopyOnWriteArrayList<>();
        SMPPSession session = bind(smsc.password(), received);
        String first = "Jättipotti kasvoi: ";
        String second = "€ 2 000 000 ✓";
        String[] ids = new String[2];
        for (int i = 0; i < 2; i++) {
            byte[] text = (i == 0 ? first : second).getBytes(StandardCharsets.UTF_16BE);
            byte[] body = new byte[6 + text.length];
            System.arraycopy(new byte[] { 5, 0, 3, 42, 2, (byte) (i + 1) }, 0, body, 0, 6);
            System.arraycopy(text, 0, body, 6, text.length);
            ids[i] = session.submitShortMessage("", TypeOfNumber.ALPHANUMERIC, NumberingPlanIndicator.UNKNOWN, "Touchpoint",
                    TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "358401234567",
                    new ESMClass(MessageMode.DEFAULT, MessageType.DEFAULT, GSMSpecificFeature.UDHI), (byte) 0, (byte) 0, null,
                    null, new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), (byte) 0, new RawDataCoding((byte) 8),
                    (byte) 0, body).getMessageId();
        }
        Map<?, ?> messages = JSON.readValue(get("/messages?to=+358401234567"), Map.class);
        List<?> list = (List<?>) messages.get("messages");
        assertEquals(1, list.size());
        Map<?, ?> message = (Map<?, ?>) list.get(0);
        assertEquals(first + second, message.get("text"));
        assertEquals("UCS-2", message.get("encoding"));
        assertEquals(2, message.get("segments"));
        assertEquals(List.of(ids[0], ids[1]), message.get("messageIds"));
        assertTrue(Files.readString(dir.resolve("smsc/messages.jsonl")).contains(first));

        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 2);
        for (DeliverSm receipt : received) {
            assertTrue(receipt.isSmscDeliveryReceipt());
            assertEquals("DELIVRD", receipt.getShortMessageAsDeliveryReceipt().getFinalStatus().name());
        }
        session.unbindAndClose();
    }

    @Test
    void aReceiptRefusedWithAThrottleIsSentAgain() throws Exception {
        List<DeliverSm> received = new CopyOnWriteArrayList<>();
        AtomicInteger throttled = new AtomicInteger(2);
        SMPPSession session = bind(smsc.password(), received, throttled);
        String id = session.submitShortMessage("", TypeOfNumber.ALPHANUMERIC, NumberingPlanIndicator.UNKNOWN, "Touchpoint",
                TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "358407654321", new ESMClass(), (byte) 0, (byte) 0, null,
                null, new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), (byte) 0, new RawDataCoding((byte) 0),
                (byte) 0, "Jackpot".getBytes(StandardCharsets.US_ASCII)).getMessageId();
        // Refused twice, then taken on the third offer (after the 1 s and 2 s pauses).
        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 1);
        assertEquals(id, received.get(0).getShortMessageAsDeliveryReceipt().getId());
        assertTrue(throttled.get() < 0);
        session.unbindAndClose();
    }

    @Test
    void anUndeliverableNumberGetsAFailureReceiptAndPhonesCanReply() throws Exception {
        List<DeliverSm> received = new CopyOnWriteArrayList<>();
        SMPPSession session = bind(smsc.password(), received);
        String id = session.submitShortMessage("", TypeOfNumber.ALPHANUMERIC, NumberingPlanIndicator.UNKNOWN, "Touchpoint",
                TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "9991234567", new ESMClass(), (byte) 0, (byte) 0, null,
                null, new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), (byte) 0, new RawDataCoding((byte) 0),
                (byte) 0, "Hello {there}".getBytes(StandardCharsets.US_ASCII)).getMessageId();
        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 1);
        var receipt = received.get(0).getShortMessageAsDeliveryReceipt();
        assertEquals(id, receipt.getId());
        assertEquals("UNDELIV", receipt.getFinalStatus().name());

        HttpResponse<String> mo = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + smsc.httpPort() + "/mo"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"from\":\"+358409999999\",\"to\":\"+358400000000\",\"text\":\"STOP\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, mo.statusCode());
        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 2);
        DeliverSm reply = received.get(1);
        assertEquals("358409999999", reply.getSourceAddr());
        assertEquals("STOP", new String(reply.getShortMessage(), StandardCharsets.US_ASCII));
        session.unbindAndClose();
    }

    private static String get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + smsc.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}

package io.touchpoint.devstack.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jsmpp.PDUStringException;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.BroadcastSm;
import org.jsmpp.bean.CancelBroadcastSm;
import org.jsmpp.bean.CancelSm;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliveryReceipt;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GeneralDataCoding;
import org.jsmpp.bean.MessageType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.QueryBroadcastSm;
import org.jsmpp.bean.QuerySm;
import org.jsmpp.bean.RawDataCoding;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.ReplaceSm;
import org.jsmpp.bean.SubmitMulti;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindRequest;
import org.jsmpp.session.BroadcastSmResult;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.QueryBroadcastSmResult;
import org.jsmpp.session.QuerySmResult;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.SMPPServerSessionListener;
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.ServerResponseDeliveryListener;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitMultiResult;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.util.DeliveryReceiptState;
import org.jsmpp.util.MessageId;

/**
 * A real SMSC speaking SMPP 3.4, built on jsmpp's server side, for tests and local runs. It accepts
 * binds with its system id and password, takes submit_sm (single messages, UDH-concatenated
 * segments, sar_* segments, or one message_payload), stores what it took ({@link SmscMessages}), and
 * when a delivery receipt was asked for sends one back as a deliver_sm with the SMSC delivery
 * receipt esm_class and the standard text ({@code id:... stat:DELIVRD err:000 ...}). Destinations
 * under {@link #UNDELIVERABLE} get {@code stat:UNDELIV err:001}, so tests can make a failure.
 * {@link #mobileOriginated} sends a reply from a phone (STOP, START) to a bound receiver.
 */
final class SmscNode implements AutoCloseable {

    /** Destinations starting with this (+999 is no country's code) are answered UNDELIV. */
    static final String UNDELIVERABLE = "999";
    static final String SYSTEM_ID = "touchpoint";

    private final SMPPServerSessionListener listener;
    private final int port;
    private final String password;
    private final SmscMessages messages;
    private SmscHttp http;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "smsc");
        t.setDaemon(true);
        return t;
    });
    /** Receipts refused or unanswered are offered again after these pauses, as an SMSC retries its deliver_sm. */
    private static final long[] RECEIPT_RETRY_MS = {1_000, 2_000, 5_000, 10_000, 30_000};
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "smsc-retry");
        t.setDaemon(true);
        return t;
    });
    private final List<SMPPServerSession> sessions = new CopyOnWriteArrayList<>();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong(System.currentTimeMillis() % 1_000_000_000L * 1000);
    private volatile boolean closed;

    /** A submit answered whose receipt is still to be sent. */
    private record Pending(SubmitSm submit, String to, Instant at) {
    }

    private SmscNode(SMPPServerSessionListener listener, int port, String password, SmscMessages messages) {
        this.listener = listener;
        this.port = port;
        this.password = password;
        this.messages = messages;
    }

    static SmscNode start(Path dir) throws IOException {
        Path home = Files.createDirectories(dir.resolve("smsc"));
        // SMPP 3.4 allows passwords of at most 8 characters.
        byte[] secret = new byte[4];
        new SecureRandom().nextBytes(secret);
        // Port 0: the socket takes a free port as it binds, so nothing started beside it (Kafka,
        // another test's stack) can take the port between choosing and binding.
        LoopbackServer server = new LoopbackServer();
        SMPPServerSessionListener listener = new SMPPServerSessionListener(0, 0, 50, server);
        SmscMessages messages = new SmscMessages(home.resolve("messages.jsonl"));
        SmscNode node = new SmscNode(listener, server.port, HexFormat.of().formatHex(secret), messages);
        try {
            node.http = SmscHttp.start(messages, node::mobileOriginated);
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
        node.serve();
        return node;
    }

    int port() {
        return port;
    }

    int httpPort() {
        return http.port();
    }

    String systemId() {
        return SYSTEM_ID;
    }

    String password() {
        return password;
    }

    private void serve() {
        listener.setMessageReceiverListener(new Receiver());
        listener.setResponseDeliveryListener(new Receipts());
        Thread acceptor = new Thread(() -> {
            while (!closed) {
                try {
                    SMPPServerSession session = listener.accept();
                    workers.submit(() -> bind(session));
                } catch (IOException e) {
                    if (!closed) {
                        System.err.println("smsc: accept failed: " + e);
                    }
                }
            }
        }, "smsc-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void bind(SMPPServerSession session) {
        try {
            BindRequest request = session.waitForBind(10_000);
            if (!SYSTEM_ID.equals(request.getSystemId())) {
                request.reject(SMPPConstant.STAT_ESME_RINVSYSID);
                return;
            }
            if (!password.equals(request.getPassword())) {
                request.reject(SMPPConstant.STAT_ESME_RINVPASWD);
                return;
            }
            request.accept(SYSTEM_ID);
            sessions.add(session);
            session.addSessionStateListener((now, before, source) -> {
                if (!now.isBound()) {
                    sessions.remove(session);
                }
            });
        } catch (Exception e) {
            session.close();
        }
    }

    /** A reply from a phone to {@code to} (the sender's number), as deliver_sm to a bound receiver. */
    boolean mobileOriginated(String from, String to, String text) {
        SmsText.Encoded encoded = SmsText.encode(text);
        for (SMPPServerSession session : sessions) {
            if (!session.getSessionState().isReceivable()) {
                continue;
            }
            try {
                session.deliverShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, digits(from),
                        TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, digits(to), new ESMClass(), (byte) 0, (byte) 0,
                        new RegisteredDelivery(0), new RawDataCoding(encoded.dataCoding()), encoded.bytes());
                return true;
            } catch (Exception e) {
                System.err.println("smsc: a mobile-originated message could not be delivered: " + e);
            }
        }
        return false;
    }

    private static String digits(String number) {
        return number.startsWith("+") ? number.substring(1) : number;
    }

    private static String e164(String address, byte ton) {
        return ton == TypeOfNumber.INTERNATIONAL.value() && !address.startsWith("+") ? "+" + address : address;
    }

    private final class Receiver implements ServerMessageReceiverListener {

        @Override
        public SubmitSmResult onAcceptSubmitSm(SubmitSm submit, SMPPServerSession source) throws ProcessRequestException {
            String id = Long.toString(ids.incrementAndGet(), 16);
            String to = e164(submit.getDestAddress(), submit.getDestAddrTon());
            String from = e164(submit.getSourceAddr(), submit.getSourceAddrTon());
            byte[] body = submit.getShortMessage();
            OptionalParameter.Message_payload payload = submit.getOptionalParameter(OptionalParameter.Message_payload.class);
            if ((body == null || body.length == 0) && payload != null) {
                body = payload.getValue();
            }
            int reference = 0;
            int total = 1;
            int number = 1;
            if (submit.isUdhi() && body.length > 0) {
                int udhLength = (body[0] & 0xFF) + 1;
                for (int i = 1; i + 1 < udhLength;) {
                    int iei = body[i] & 0xFF;
                    int length = body[i + 1] & 0xFF;
                    if (iei == 0x00 && length == 3) {
                        reference = body[i + 2] & 0xFF;
                        total = body[i + 3] & 0xFF;
                        number = body[i + 4] & 0xFF;
                    } else if (iei == 0x08 && length == 4) {
                        reference = ((body[i + 2] & 0xFF) << 8) | (body[i + 3] & 0xFF);
                        total = body[i + 4] & 0xFF;
                        number = body[i + 5] & 0xFF;
                    }
                    i += 2 + length;
                }
                body = java.util.Arrays.copyOfRange(body, Math.min(udhLength, body.length), body.length);
            } else {
                OptionalParameter.Sar_msg_ref_num ref = submit.getOptionalParameter(OptionalParameter.Sar_msg_ref_num.class);
                OptionalParameter.Sar_total_segments segs = submit.getOptionalParameter(OptionalParameter.Sar_total_segments.class);
                OptionalParameter.Sar_segment_seqnum seq = submit.getOptionalParameter(OptionalParameter.Sar_segment_seqnum.class);
                if (ref != null && segs != null && seq != null) {
                    reference = ref.getValue() & 0xFFFF;
                    total = segs.getValue() & 0xFF;
                    number = seq.getValue() & 0xFF;
                }
            }
            Instant at = Instant.now();
            String text = SmsText.decode(submit.getDataCoding(), body);
            String receipt = to.startsWith("+" + UNDELIVERABLE) ? "UNDELIV" : "DELIVRD";
            messages.add(new SmscMessages.Segment(id, from, to, SmsText.encoding(submit.getDataCoding()), text, reference, total,
                    number, at), receipt);
            int wanted = submit.getRegisteredDelivery() & 0x03;
            if (wanted == 1 || wanted == 2 && receipt.equals("UNDELIV")) {
                pending.put(id, new Pending(submit, to, at));
            }
            try {
                return new SubmitSmResult(new MessageId(id), new OptionalParameter[0]);
            } catch (PDUStringException e) {
                throw new ProcessRequestException("bad message id", SMPPConstant.STAT_ESME_RSYSERR);
            }
        }

        @Override
        public SubmitMultiResult onAcceptSubmitMulti(SubmitMulti submitMulti, SMPPServerSession source)
                throws ProcessRequestException {
            throw new ProcessRequestException("submit_multi is not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }

        @Override
        public QuerySmResult onAcceptQuerySm(QuerySm querySm, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("query_sm is not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }

        @Override
        public void onAcceptReplaceSm(ReplaceSm replaceSm, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("replace_sm is not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }

        @Override
        public void onAcceptCancelSm(CancelSm cancelSm, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("cancel_sm is not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }

        @Override
        public BroadcastSmResult onAcceptBroadcastSm(BroadcastSm broadcastSm, SMPPServerSession source)
                throws ProcessRequestException {
            throw new ProcessRequestException("broadcast_sm is not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }

        @Override
        public void onAcceptCancelBroadcastSm(CancelBroadcastSm cancelBroadcastSm, SMPPServerSession source)
                throws ProcessRequestException {
            throw new ProcessRequestException("cancel_broadcast_sm is not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }

        @Override
        public QueryBroadcastSmResult onAcceptQueryBroadcastSm(QueryBroadcastSm queryBroadcastSm, SMPPServerSession source)
                throws ProcessRequestException {
            throw new ProcessRequestException("query_broadcast_sm is not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }

        @Override
        public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
            throw new ProcessRequestException("data_sm is not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }
    }

    /** Receipts go out only once the submit_sm_resp did, so the client knows the id a receipt names. */
    private final class Receipts implements ServerResponseDeliveryListener {

        @Override
        public void onSubmitSmRespSent(SubmitSmResult result, SMPPServerSession source) {
            Pending p = pending.remove(result.getMessageId());
            if (p != null) {
                workers.submit(() -> receipt(result.getMessageId(), p, source, 0));
            }
        }

        @Override
        public void onSubmitSmRespError(SubmitSmResult result, Exception cause, SMPPServerSession source) {
            pending.remove(result.getMessageId());
        }

        @Override
        public void onSubmitMultiRespSent(SubmitMultiResult result, SMPPServerSession source) {
        }

        @Override
        public void onSubmitMultiRespError(SubmitMultiResult result, Exception cause, SMPPServerSession source) {
        }
    }

    private void receipt(String id, Pending p, SMPPServerSession submitter, int attempt) {
        boolean delivered = !p.to().startsWith("+" + UNDELIVERABLE);
        DeliveryReceipt receipt = new DeliveryReceipt(id, 1, delivered ? 1 : 0, Date.from(p.at()), new Date(),
                delivered ? DeliveryReceiptState.DELIVRD : DeliveryReceiptState.UNDELIV, delivered ? "000" : "001", "");
        SMPPServerSession target = submitter.getSessionState().isReceivable() ? submitter
                : sessions.stream().filter(s -> s.getSessionState().isReceivable()).findFirst().orElse(null);
        if (target == null) {
            retry(id, p, submitter, attempt, "no session bound to receive it");
            return;
        }
        try {
            target.deliverShortMessage("", TypeOfNumber.valueOf(p.submit().getDestAddrTon()),
                    NumberingPlanIndicator.valueOf(p.submit().getDestAddrNpi()), p.submit().getDestAddress(),
                    TypeOfNumber.valueOf(p.submit().getSourceAddrTon()), NumberingPlanIndicator.valueOf(p.submit().getSourceAddrNpi()),
                    p.submit().getSourceAddr(), new ESMClass(MessageType.SMSC_DEL_RECEIPT.value()), (byte) 0, (byte) 0,
                    new RegisteredDelivery(0), GeneralDataCoding.DEFAULT, receipt.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    new OptionalParameter.Receipted_message_id(id),
                    new OptionalParameter.Message_state((byte) (delivered ? 2 : 5)));
        } catch (Exception e) {
            retry(id, p, submitter, attempt, e.toString());
        }
    }

    /**
     * A client that answered with a throttle or not in time, or whose session dropped, gets the
     * receipt again (on another session bound to the system id if its own is gone), so a busy or
     * restarting client loses none; after the last attempt it is given up.
     */
    private void retry(String id, Pending p, SMPPServerSession submitter, int attempt, String why) {
        if (closed) {
            return;
        }
        if (attempt < RECEIPT_RETRY_MS.length) {
            retries.schedule(() -> workers.submit(() -> receipt(id, p, submitter, attempt + 1)), RECEIPT_RETRY_MS[attempt],
                    TimeUnit.MILLISECONDS);
        } else {
            System.err.println("smsc: the receipt of " + id + " could not be delivered after " + (attempt + 1) + " attempts: " + why);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        http.close();
        for (SMPPServerSession session : sessions) {
            try {
                session.unbindAndClose();
            } catch (RuntimeException e) {
                session.close();
            }
        }
        listener.close();
        retries.shutdownNow();
        workers.shutdownNow();
    }

    /** jsmpp's server socket bound to the loopback address only. */
    private static final class LoopbackServer implements org.jsmpp.session.connection.ServerConnectionFactory {

        private volatile int port;
        @Override
        public org.jsmpp.session.connection.ServerConnection listen(int port) throws IOException {
            return listen(port, 0, 50);
        }

        @Override
        public org.jsmpp.session.connection.ServerConnection listen(int port, int timeout) throws IOException {
            return listen(port, timeout, 50);
        }

        @Override
        public org.jsmpp.session.connection.ServerConnection listen(int port, int timeout, int backlog) throws IOException {
            ServerSocket socket = new ServerSocket(port, backlog, InetAddress.getLoopbackAddress());
            this.port = socket.getLocalPort();
            try {
                socket.setSoTimeout(timeout);
            } catch (SocketException e) {
                socket.close();
                throw e;
            }
            return new NoDelayConnections(socket);
        }
    }

    /**
     * Accepted sessions send each PDU at once. jsmpp leaves Nagle's algorithm on, so with several
     * submits in flight a response waited for the client's delayed ACK: the same client took 14 ms
     * or 6 ms a round trip from run to run on an idle machine.
     */
    private static final class NoDelayConnections implements org.jsmpp.session.connection.ServerConnection {

        private final ServerSocket socket;

        NoDelayConnections(ServerSocket socket) {
            this.socket = socket;
        }

        @Override
        public org.jsmpp.session.connection.Connection accept() throws IOException {
            java.net.Socket accepted = socket.accept();
            accepted.setTcpNoDelay(true);
            return new org.jsmpp.session.connection.socket.SocketConnection(accepted);
        }

        @Override
        public void setSoTimeout(int timeout) throws IOException {
            socket.setSoTimeout(timeout);
        }

        @Override
        public int getSoTimeout() throws IOException {
            return socket.getSoTimeout();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}

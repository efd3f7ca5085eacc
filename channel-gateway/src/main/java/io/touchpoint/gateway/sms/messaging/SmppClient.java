package io.touchpoint.gateway.sms.messaging;

import java.io.IOException;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.DeliveryReceipt;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;
import org.jsmpp.session.connection.Connection;
import org.jsmpp.session.connection.socket.SocketConnection;
import org.jsmpp.util.DeliveryReceiptState;
import org.jsmpp.util.InvalidDeliveryReceiptException;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.touchpoint.gateway.delivery.domain.GatewayRole;
import io.touchpoint.gateway.delivery.domain.ProviderReceipts;
import io.touchpoint.gateway.delivery.store.ReceiptStore;
import io.touchpoint.gateway.sms.domain.SmsConfig;
import io.touchpoint.gateway.sms.domain.SmsReplies;
import io.touchpoint.gateway.sms.domain.SmsSegments;
import io.touchpoint.platform.outbox.OutboxRelay;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The gateway's one SMPP session with the SMSC, bound as a transceiver by delivery processes: it
 * submits, and takes delivery receipts and replies from phones on the same session. jsmpp blocks,
 * so everything here runs on jsmpp's own threads and the sender's worker threads, never an event
 * loop. A session that drops (the SMSC restarted, the link died) is bound again after a wait that
 * doubles up to a minute. A receipt or reply is recorded in the database before its
 * {@code deliver_sm_resp} goes back; when that fails the SMSC is told to try again later
 * ({@code ESME_RX_T_APPN}), so none is lost.
 */
@ApplicationScoped
public class SmppClient {

    private static final Logger LOG = Logger.getLogger(SmppClient.class);
    private static final Duration DB_WAIT = Duration.ofSeconds(30);
    private static final long MAX_RECONNECT_MS = 60_000;

    /** The session is not bound now: nothing was handed over. */
    public static final class NotBound extends IOException {
        NotBound(String message) {
            super(message);
        }
    }

    private final SmsConfig config;
    private final Pool pool;
    private final Clock clock;
    private final ProviderReceipts receipts;
    private final SmsReplies replies;
    private final OutboxRelay relay;
    private final GatewayRole.Role role;
    private final ScheduledExecutorService binder = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "smpp-bind");
        t.setDaemon(true);
        return t;
    });
    private volatile SMPPSession session;
    private volatile boolean stopped;
    private long reconnectMs;

    SmppClient(SmsConfig config, Pool pool, Clock clock, ProviderReceipts receipts, SmsReplies replies, OutboxRelay relay,
            @ConfigProperty(name = GatewayRole.PROPERTY, defaultValue = "both") String role) {
        this.config = config;
        this.pool = pool;
        this.clock = clock;
        this.receipts = receipts;
        this.replies = replies;
        this.relay = relay;
        this.role = GatewayRole.Role.of(role);
        this.reconnectMs = config.reconnectDelay().toMillis();
    }

    public boolean configured() {
        return config.host().isPresent();
    }

    void start(@Observes StartupEvent event) {
        if (configured() && role.delivers()) {
            binder.execute(this::bind);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        binder.shutdownNow();
        SMPPSession s = session;
        if (s != null) {
            s.unbindAndClose();
        }
    }

    /** The bound session; {@link NotBound} when there is none now. */
    public SMPPSession session() throws NotBound {
        SMPPSession s = session;
        if (s == null || !s.getSessionState().isBound()) {
            throw new NotBound("not bound to the SMSC at " + config.host().orElse("") + ":" + config.port());
        }
        return s;
    }

    /**
     * Each PDU goes out at once: jsmpp leaves Nagle's algorithm on, so with many submits in flight
     * one could wait for the SMSC's delayed ACK before leaving.
     */
    private static Connection connect(String host, int port) throws IOException {
        Socket socket = new Socket(host, port);
        try {
            socket.setTcpNoDelay(true);
            return new SocketConnection(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void bind() {
        if (stopped) {
            return;
        }
        SMPPSession s = new SMPPSession(SmppClient::connect);
        s.setEnquireLinkTimer((int) config.enquireLink().toMillis());
        s.setTransactionTimer(config.responseTimeout().toMillis());
        s.setMessageReceiverListener(new Inbound());
        s.setPduProcessorDegree(config.inboundThreads());
        s.setQueueCapacity(config.inboundQueue());
        try {
            s.connectAndBind(config.host().orElseThrow(), config.port(), new BindParameter(BindType.BIND_TRX, config.systemId(),
                    config.password().orElse(""), config.systemType().orElse(""), TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null));
        } catch (IOException | RuntimeException e) {
            s.close();
            LOG.warnf("binding to the SMSC at %s:%d failed (%s); trying again in %d ms", config.host().orElse(""), config.port(),
                    e.getMessage(), reconnectMs);
            again();
            return;
        }
        reconnectMs = config.reconnectDelay().toMillis();
        s.addSessionStateListener((now, before, source) -> {
            if (!now.isBound() && before.isBound() && !stopped && session == s) {
                LOG.warnf("the SMPP session with the SMSC dropped (%s); binding again", now);
                session = null;
                binder.execute(this::bind);
            }
        });
        session = s;
        LOG.infof("bound to the SMSC at %s:%d as %s (transceiver)", config.host().orElse(""), config.port(), config.systemId());
    }

    private void again() {
        if (stopped) {
            return;
        }
        long wait = reconnectMs;
        reconnectMs = Math.min(MAX_RECONNECT_MS, reconnectMs * 2);
        binder.schedule(this::bind, wait, TimeUnit.MILLISECONDS);
    }

    /** Receipts and replies, on jsmpp's reader threads: each recorded (waited for) before jsmpp answers the SMSC. */
    private final class Inbound implements MessageReceiverListener {

        @Override
        public void onAcceptDeliverSm(DeliverSm deliverSm) throws ProcessRequestException {
            try {
                if (deliverSm.isSmscDeliveryReceipt()) {
                    receipt(deliverSm);
                } else {
                    reply(deliverSm);
                }
            } catch (RuntimeException e) {
                LOG.warnf(e, "a deliver_sm from the SMSC could not be recorded; the SMSC is asked to send it again");
                throw new ProcessRequestException("not recorded: " + e.getMessage(), SMPPConstant.STAT_ESME_RX_T_APPN);
            }
        }

        @Override
        public void onAcceptAlertNotification(AlertNotification alertNotification) {
        }

        @Override
        public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
            throw new ProcessRequestException("data_sm is not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }
    }

    private void receipt(DeliverSm deliverSm) {
        DeliveryReceipt text;
        try {
            text = deliverSm.getShortMessageAsDeliveryReceipt();
        } catch (InvalidDeliveryReceiptException e) {
            LOG.warnf("a delivery receipt the gateway cannot read: %s", new String(deliverSm.getShortMessage(),
                    java.nio.charset.StandardCharsets.ISO_8859_1));
            return;
        }
        DeliveryReceiptState state = text.getFinalStatus();
        // ENROUTE, ACCEPTD and UNKNOWN are not final: the message may still arrive.
        boolean delivered = state == DeliveryReceiptState.DELIVRD;
        boolean failed = state == DeliveryReceiptState.UNDELIV || state == DeliveryReceiptState.EXPIRED
                || state == DeliveryReceiptState.DELETED || state == DeliveryReceiptState.REJECTD;
        if (!delivered && !failed) {
            return;
        }
        OptionalParameter.Receipted_message_id named = deliverSm.getOptionalParameter(OptionalParameter.Receipted_message_id.class);
        String id = named != null && !named.getValueAsString().isBlank() ? named.getValueAsString() : text.getId();
        var receipt = new ReceiptStore.Receipt(id, delivered, "stat:" + state, "err:" + text.getError());
        boolean changed = receipts.record(receipt).await().atMost(DB_WAIT);
        if (changed) {
            relay.kick();
        }
    }

    private void reply(DeliverSm deliverSm) {
        byte[] body = deliverSm.getShortMessage();
        OptionalParameter.Message_payload payload = deliverSm.getOptionalParameter(OptionalParameter.Message_payload.class);
        if ((body == null || body.length == 0) && payload != null) {
            body = payload.getValue();
        }
        String text = SmsSegments.decode(deliverSm.getDataCoding(), body == null ? new byte[0] : body);
        var outcome = pool.withTransaction(sql -> replies.reply(sql, deliverSm.getSourceAddr(), text, clock.instant()))
                .await().atMost(DB_WAIT);
        if (outcome.keyword() != null) {
            LOG.infof("a %s reply from an SMS recipient changed the SMS consent of %d profiles", outcome.keyword(),
                    outcome.profileIds().size());
            relay.kick();
        }
    }
}

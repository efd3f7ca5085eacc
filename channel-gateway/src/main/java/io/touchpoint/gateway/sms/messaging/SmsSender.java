package io.touchpoint.gateway.sms.messaging;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GSMSpecificFeature;
import org.jsmpp.bean.MessageMode;
import org.jsmpp.bean.MessageType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RawDataCoding;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.session.SMPPSession;

import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.touchpoint.gateway.delivery.domain.ChannelSender;
import io.touchpoint.gateway.delivery.domain.Content;
import io.touchpoint.gateway.delivery.domain.Delivery;
import io.touchpoint.gateway.recipient.domain.Channels;
import io.touchpoint.gateway.sms.domain.SmsConfig;
import io.touchpoint.gateway.sms.domain.SmsSegments;

/**
 * SMS over SMPP 3.4 through the bound session ({@link SmppClient}): GSM-7 or UCS-2 by content, a
 * long text as concatenated segments (a UDH with a 16-bit reference made from the delivery id, one
 * submit_sm each), a delivery receipt asked for on every segment. What the SMSC took is the
 * segments' message ids, under which its receipts come back; the delivery is DELIVERED once all
 * are. jsmpp blocks, so the submits run on a worker thread. Only "not bound" before the first
 * segment is retried (nothing went out then); a segment the SMSC did not answer in time makes the
 * outcome unknown, one it refused fails the delivery, and throttling (ESME_RTHROTTLED,
 * ESME_RMSGQFUL) of the first segment sends it again after a backoff. Settings per annotation:
 * {@code quarkus.fault-tolerance."sms".*}.
 */
@ApplicationScoped
public class SmsSender implements ChannelSender {

    private final SmppClient client;
    private final SmsConfig config;

    SmsSender(SmppClient client, SmsConfig config) {
        this.client = client;
        this.config = config;
    }

    @Override
    public String channel() {
        return Channels.SMS;
    }

    @Override
    public boolean enabled() {
        return client.configured();
    }

    @Override
    @Timeout(value = 60, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 3, delay = 1000, retryOn = SmsSender.NotBoundFailure.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, successThreshold = 2,
            skipOn = { ChannelSender.Refused.class, ChannelSender.RetryLater.class })
    @CircuitBreakerName("sms")
    public Uni<Accepted> send(Delivery delivery, Content content) {
        return Uni.createFrom().item(() -> submit(delivery, content.text()))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private Accepted submit(Delivery delivery, String text) {
        SmsSegments segments;
        try {
            segments = SmsSegments.of(text == null ? "" : text);
        } catch (IllegalArgumentException e) {
            throw new ChannelSender.Refused(e.getMessage(), e);
        }
        SMPPSession session;
        try {
            session = client.session();
        } catch (SmppClient.NotBound e) {
            throw new NotBoundFailure(e);
        }
        int reference = delivery.deliveryId().hashCode() & 0xFFFF;
        int total = segments.count();
        List<String> ids = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            byte[] body = segments.parts().get(i);
            ESMClass esm = new ESMClass();
            if (total > 1) {
                byte[] udh = { 6, 0x08, 4, (byte) (reference >> 8), (byte) reference, (byte) total, (byte) (i + 1) };
                byte[] withHeader = new byte[udh.length + body.length];
                System.arraycopy(udh, 0, withHeader, 0, udh.length);
                System.arraycopy(body, 0, withHeader, udh.length, body.length);
                body = withHeader;
                esm = new ESMClass(MessageMode.DEFAULT, MessageType.DEFAULT, GSMSpecificFeature.UDHI);
            }
            try {
                ids.add(session.submitShortMessage("", sourceTon(), sourceNpi(), source(), TypeOfNumber.INTERNATIONAL,
                        NumberingPlanIndicator.ISDN, delivery.address().replaceAll("[^0-9]", ""), esm, (byte) 0, (byte) 0, null,
                        null, new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), (byte) 0,
                        new RawDataCoding(segments.encoding().dataCoding()), (byte) 0, body).getMessageId());
            } catch (NegativeResponseException e) {
                if (i == 0 && (e.getCommandStatus() == SMPPConstant.STAT_ESME_RTHROTTLED
                        || e.getCommandStatus() == SMPPConstant.STAT_ESME_RMSGQFUL)) {
                    throw new ChannelSender.RetryLater("the SMSC is throttling (status 0x" + Integer.toHexString(e.getCommandStatus())
                            + ")", Duration.ofSeconds(1), e);
                }
                if (i == 0) {
                    throw new ChannelSender.Refused("the SMSC refused (status 0x" + Integer.toHexString(e.getCommandStatus()) + ")", e);
                }
                throw new ChannelSender.NoAnswer(partly(i, total) + "; segment " + (i + 1) + " refused (status 0x"
                        + Integer.toHexString(e.getCommandStatus()) + ")", e);
            } catch (Exception e) {
                if (i == 0 && !session.getSessionState().isBound()) {
                    throw new NotBoundFailure(e);
                }
                throw new ChannelSender.NoAnswer((i == 0 ? "no answer from the SMSC" : partly(i, total)) + ": " + e, e);
            }
        }
        return new Accepted(total, ids, total + " " + segments.encoding().label() + " segment" + (total == 1 ? "" : "s"));
    }

    private static String partly(int accepted, int total) {
        return accepted + " of " + total + " segments were taken";
    }

    private String source() {
        return config.source().startsWith("+") ? config.source().substring(1) : config.source();
    }

    private TypeOfNumber sourceTon() {
        return config.source().matches("\\+?[0-9]+") ? TypeOfNumber.INTERNATIONAL : TypeOfNumber.ALPHANUMERIC;
    }

    private NumberingPlanIndicator sourceNpi() {
        return config.source().matches("\\+?[0-9]+") ? NumberingPlanIndicator.ISDN : NumberingPlanIndicator.UNKNOWN;
    }

    /** Not bound before anything was submitted: safe to try again. */
    static final class NotBoundFailure extends RuntimeException {
        NotBoundFailure(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }
}

package io.touchpoint.devstack.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Properties;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

/** The sink over real SMTP (Jakarta Mail's client): what each recipient got, by Message-ID. */
class SmtpSinkTest {

    @Test
    void eachRecipientGetsEachMessageOnceWithItsMessageId() throws Exception {
        try (SmtpSink sink = SmtpSink.start()) {
            Properties p = new Properties();
            p.put("mail.smtp.host", "127.0.0.1");
            p.put("mail.smtp.port", Integer.toString(sink.port()));
            Session session = Session.getInstance(p);
            try (Transport transport = session.getTransport("smtp")) {
                transport.connect();
                send(transport, session, "<one@touchpoint.local>", "First", List.of("Ann@Example.com", "bob@example.com"),
                        "Hello\n.a line that starts with a dot\n.");
                send(transport, session, "<two@touchpoint.local>", "Second", List.of("ann@example.com"), "Again");
            }
            assertEquals(2, sink.messages());
            List<SmtpSink.Received> ann = sink.received("ANN@example.com", false);
            assertEquals(List.of("<one@touchpoint.local>", "<two@touchpoint.local>"), ann.stream().map(SmtpSink.Received::messageId).toList());
            assertEquals("First", ann.get(0).subject());
            assertTrue(ann.get(0).size() > 0);
            assertEquals(1, sink.received("bob@example.com", true).size());
            assertEquals(0, sink.received("bob@example.com", false).size());
            assertEquals(0, sink.received("nobody@example.com", false).size());
        }
    }

    private static void send(Transport transport, Session session, String messageId, String subject, List<String> to, String text)
            throws Exception {
        MimeMessage message = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws jakarta.mail.MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        message.setFrom("news@touchpoint.local");
        for (String address : to) {
            message.addRecipient(Message.RecipientType.TO, new InternetAddress(address));
        }
        message.setSubject(subject);
        message.setText(text);
        message.saveChanges();
        transport.sendMessage(message, message.getAllRecipients());
    }
}

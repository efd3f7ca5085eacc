package io.touchpoint.gateway.support;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import jakarta.mail.BodyPart;
import jakarta.mail.Folder;
import jakarta.mail.Header;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.Store;

/** Mail as a person's client sees it: read over IMAP from the devstack's GreenMail, any password. */
public final class Mailbox {

    /** One message, read while the folder was open: its headers (the first value of each), its text and HTML parts. */
    public record Mail(String messageId, String subject, String from, String text, String html, Map<String, String> headers) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }
    }

    private final int imapPort;

    public Mailbox(int imapPort) {
        this.imapPort = imapPort;
    }

    public List<Mail> read(String address) {
        Session session = Session.getInstance(new Properties());
        try (Store store = session.getStore("imap")) {
            store.connect("127.0.0.1", imapPort, address, "any");
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            List<Mail> mails = new ArrayList<>();
            for (Message m : inbox.getMessages()) {
                String[] id = m.getHeader("Message-ID");
                Parts parts = new Parts();
                parts.collect(m.getContent(), m.getContentType());
                Map<String, String> headers = new LinkedHashMap<>();
                for (var all = m.getAllHeaders(); all.hasMoreElements();) {
                    Header h = all.nextElement();
                    headers.putIfAbsent(h.getName(), h.getValue());
                }
                mails.add(new Mail(id == null ? null : id[0], m.getSubject(), m.getFrom()[0].toString(), parts.text, parts.html,
                        headers));
            }
            inbox.close(false);
            return mails;
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException("cannot read the mailbox of " + address, e);
        }
    }

    private static final class Parts {
        String text;
        String html;

        void collect(Object content, String type) throws MessagingException, IOException {
            if (content instanceof Multipart multipart) {
                for (int i = 0; i < multipart.getCount(); i++) {
                    BodyPart part = multipart.getBodyPart(i);
                    collect(part.getContent(), part.getContentType());
                }
            } else if (content instanceof String s) {
                if (type.toLowerCase(java.util.Locale.ROOT).startsWith("text/html")) {
                    html = s;
                } else {
                    text = s;
                }
            }
        }
    }
}

package io.touchpoint.benchmarks;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.mail.BodyPart;
import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Header;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;

/**
 * Email as recipients' clients see it: each address's INBOX on the devstack's GreenMail, read over
 * IMAP with Jakarta Mail (Angus), one login per mailbox (GreenMail takes any password). A message's
 * delivery id is the local part of its Message-ID, {@code <deliveryId@domain>}, as the gateway writes it.
 */
final class ImapInbox implements Inbox {

    /** One message in full: what the raw SMTP client sends copies of. */
    record Mail(String subject, String from, String text, String html, Map<String, String> headers, int size) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }
    }

    private final String host;
    private final int port;
    private final Session session;

    ImapInbox(String host, int port) {
        this.host = host;
        this.port = port;
        Properties props = new Properties();
        props.put("mail.imap.connectiontimeout", "10000");
        props.put("mail.imap.timeout", "60000");
        this.session = Session.getInstance(props);
    }

    @Override
    public String client() {
        return "IMAP, Jakarta Mail";
    }

    @Override
    public List<Received> read(Collection<String> addresses, boolean purge, int threads) throws Exception {
        List<Received> all = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger done = new AtomicInteger();
        try {
            List<Future<?>> work = new ArrayList<>();
            for (String address : addresses) {
                work.add(pool.submit(() -> {
                    all.addAll(box(address, purge));
                    int n = done.incrementAndGet();
                    if (n % 10_000 == 0) {
                        System.err.printf("[delivery-benchmark] IMAP: %,d of %,d mailboxes read%n", n, addresses.size());
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return all;
    }

    private List<Received> box(String address, boolean purge) throws MessagingException {
        List<Received> found = new ArrayList<>();
        // A busy GreenMail may drop a login under load: one more try before the run fails.
        for (int attempt = 1;; attempt++) {
            try (Store store = session.getStore("imap")) {
                store.connect(host, port, address, "any");
                Folder inbox = store.getFolder("INBOX");
                if (!inbox.exists()) {
                    return found;
                }
                inbox.open(purge ? Folder.READ_WRITE : Folder.READ_ONLY);
                Message[] messages = inbox.getMessages();
                FetchProfile profile = new FetchProfile();
                profile.add(FetchProfile.Item.ENVELOPE);
                profile.add(FetchProfile.Item.SIZE);
                profile.add(UIDFolder.FetchProfileItem.UID);
                inbox.fetch(messages, profile);
                for (Message m : messages) {
                    String[] ids = m.getHeader("Message-ID");
                    found.add(new Received(address, deliveryId(ids == null ? null : ids[0]), null, m.getSubject(), m.getSize()));
                }
                if (purge && messages.length > 0) {
                    inbox.setFlags(messages, new Flags(Flags.Flag.DELETED), true);
                }
                inbox.close(purge);
                return found;
            } catch (MessagingException e) {
                if (attempt == 2) {
                    throw e;
                }
                found.clear();
            }
        }
    }

    /** The first message in a box, whole (subject, parts, headers, size); null when the box is empty. */
    Mail first(String address) throws MessagingException, IOException {
        try (Store store = session.getStore("imap")) {
            store.connect(host, port, address, "any");
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            if (inbox.getMessageCount() == 0) {
                return null;
            }
            Message m = inbox.getMessage(1);
            String[] text = new String[2];
            collect(m.getContent(), m.getContentType(), text);
            Map<String, String> headers = new LinkedHashMap<>();
            for (var all = m.getAllHeaders(); all.hasMoreElements();) {
                Header h = all.nextElement();
                headers.putIfAbsent(h.getName(), h.getValue());
            }
            Mail mail = new Mail(m.getSubject(), m.getFrom()[0].toString(), text[0], text[1], headers, m.getSize());
            inbox.close(false);
            return mail;
        }
    }

    private static void collect(Object content, String type, String[] textAndHtml) throws MessagingException, IOException {
        if (content instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart part = multipart.getBodyPart(i);
                collect(part.getContent(), part.getContentType(), textAndHtml);
            }
        } else if (content instanceof String s) {
            textAndHtml[type.toLowerCase(java.util.Locale.ROOT).startsWith("text/html") ? 1 : 0] = s;
        }
    }

    /** {@code <deliveryId@domain>} → deliveryId; anything else as it is. */
    static String deliveryId(String messageId) {
        if (messageId == null) {
            return null;
        }
        String id = messageId.trim();
        if (id.startsWith("<") && id.endsWith(">") && id.contains("@")) {
            return id.substring(1, id.indexOf('@'));
        }
        return id;
    }
}

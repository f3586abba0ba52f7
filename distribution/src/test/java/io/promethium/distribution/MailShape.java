package io.promethium.distribution;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * What of an alert email is compared between two senders: the headers that matter (From, To,
 * Subject, the custom ones, MIME-Version), the multipart structure (each part's media type,
 * charset and transfer encoding) and each part's decoded text. What differs by nature is left out
 * or normalised: Date, Message-Id, the boundary, and the sender's name in the default templates.
 */
final class MailShape {

    private static final java.util.List<String> HEADERS = java.util.List.of("From", "To", "Subject", "X-Team", "MIME-Version");

    private MailShape() {
    }

    static Map<String, String> of(MimeMessage m) throws MessagingException, IOException {
        Map<String, String> out = new TreeMap<>();
        for (String h : HEADERS) {
            String[] values = m.getHeader(h);
            out.put("header:" + h, values == null ? null : String.join(" | ", values));
        }
        out.put("header:Date present", Boolean.toString(m.getHeader("Date") != null));
        out.put("header:Message-Id present", Boolean.toString(m.getHeader("Message-Id") != null));
        part("", m, out);
        return out;
    }

    private static void part(String path, Part p, Map<String, String> out) throws MessagingException, IOException {
        ContentType type = new ContentType(p.getContentType());
        out.put(path + "type", type.getBaseType().toLowerCase(java.util.Locale.ROOT));
        String charset = type.getParameter("charset");
        if (charset != null) {
            out.put(path + "charset", charset.toUpperCase(java.util.Locale.ROOT));
        }
        String[] encoding = p.getHeader("Content-Transfer-Encoding");
        if (encoding != null) {
            out.put(path + "encoding", encoding[0].toLowerCase(java.util.Locale.ROOT));
        }
        Object content = p.getContent();
        if (content instanceof Multipart multi) {
            out.put(path + "parts", Integer.toString(multi.getCount()));
            for (int i = 0; i < multi.getCount(); i++) {
                BodyPart child = multi.getBodyPart(i);
                part(path + i + "/", child, out);
            }
        } else if (content instanceof String text) {
            out.put(path + "text", normalise(text));
        } else {
            out.put(path + "content", content.getClass().getName());
        }
    }

    /** Line ends as CRLF or LF alike, and the name the default templates give the sender. */
    private static String normalise(String text) {
        return text.replace("\r\n", "\n").replace("Alertmanager", "<sender>").replace("Promethium", "<sender>");
    }
}

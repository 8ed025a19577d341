package io.triage.cli.demo;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MailTextTest {
    @Test
    void subjectAndPlainBodyWithoutRoutingHeadersAndWithWhitespaceCollapsed() {
        String raw = SpamAssassinFixture.plainMail("Meeting  tomorrow", "Hi all,\n\n  the meeting\tmoves to 10am.\n");
        assertEquals("Meeting tomorrow\nHi all, the meeting moves to 10am.", MailText.of(raw, 1000));
    }

    @Test
    void foldedSubjectWithEncodedWordsIsDecodedAndJoined() {
        String raw = "Subject: =?iso-8859-1?Q?Caf=E9_au_?=\n =?utf-8?B?bGFpdA==?= ce soir\n\nbody\n";
        assertEquals("Café au lait ce soir\nbody", MailText.of(raw, 1000));
    }

    @Test
    void multipartAlternativeGivesItsPlainTextPart() {
        String raw = "Subject: offer\n"
                + "Content-Type: multipart/alternative; boundary=\"XYZ\"\n\n"
                + "This is a multi-part message in MIME format.\n"
                + "--XYZ\n"
                + "Content-Type: text/html\n\n"
                + "<p>html version</p>\n"
                + "--XYZ\n"
                + "Content-Type: text/plain; charset=iso-8859-1\n"
                + "Content-Transfer-Encoding: quoted-printable\n\n"
                + "plain version, caf=E9 and a soft=\n break\n"
                + "--XYZ--\n"
                + "epilogue\n";
        assertEquals("offer\nplain version, café and a soft break", MailText.of(raw, 1000));
    }

    @Test
    void htmlOnlyMailsGiveTheTextAReaderSees() {
        String raw = "Subject: Deal\nContent-Type: text/html\n\n"
                + "<html><head><style>p {color: red}</style></head><body><p>Buy <b>now</b> &amp; save</p></body></html>\n";
        assertEquals("Deal\nBuy now & save", MailText.of(raw, 1000));
    }

    @Test
    void nestedMultipartWithABase64HtmlPart() {
        String html = java.util.Base64.getMimeEncoder().encodeToString("<div>Hello from <i>base64</i></div>".getBytes());
        String raw = "Subject: nested\nContent-Type: multipart/mixed; boundary=outer\n\n"
                + "--outer\nContent-Type: multipart/related; boundary=inner\n\n"
                + "--inner\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" + html + "\n"
                + "--inner--\n"
                + "--outer\nContent-Type: application/octet-stream\n\nAAAA\n"
                + "--outer--\n";
        assertEquals("nested\nHello from base64", MailText.of(raw, 1000));
    }

    @Test
    void textIsCutToTheLimit() {
        String raw = SpamAssassinFixture.plainMail("S", "x".repeat(50));
        assertEquals("S\n" + "x".repeat(8), MailText.of(raw, 10));
    }

    @Test
    void aMailWithoutBodyKeepsItsSubject() {
        assertEquals("only headers", MailText.of("Subject: only headers\nFrom: a@b.c", 1000));
    }
}

"""The texts of the privacy notice and the imprint until the coordinator saves their own.

They become version 1 of each text after `migrate` (apps.py). Parts in [square brackets] are
the operator's details, which only the coordinator knows; the pages show them as they are
until someone fills them in. The format is the one web/templatetags/legal.py renders: blank
lines between paragraphs, "## " before a heading, "- " before each item of a list.
"""

PRIVACY_DE = """\
## Wer ist verantwortlich?

Kiezmarkt ist der Marktplatz des Kieznetzwerks. Verantwortlich für die Verarbeitung Ihrer Daten im Sinne der Datenschutz-Grundverordnung (DSGVO) ist der Betreiber, der im Impressum genannt ist: [Name des Vereins], [Straße und Hausnummer], [Postleitzahl] Berlin, E-Mail: [E-Mail-Adresse für Datenschutzfragen].

## Welche Daten wir verarbeiten und wozu

- Ihr Konto: Name, E-Mail-Adresse, Sprache, Passwort (nur als sicherer Hash gespeichert) und wann Sie dieser Datenschutzerklärung zugestimmt haben. Wir brauchen sie, damit Sie sich anmelden und Nachrichten erhalten können (Art. 6 Abs. 1 lit. b DSGVO).
- Ihre Organisation und Ihre Rolle darin: das Profil der Organisation, ihre Mitglieder, bei sozialen Organisationen die Angaben zur Steuerbefreiung.
- Angebote, Buchungen, Nachrichten, Vermittlungen und Spenden: was Sie anbieten, anfragen und vereinbaren, wer wann welchen Schritt getan hat. Diese Daten sehen nur die beiden beteiligten Organisationen und die Koordination des Netzwerks.
- Bei Vermittlungen in eine Stelle die Angaben zur vermittelten Person, die Sie nur mit deren Einwilligung eintragen dürfen.
- Zuwendungsbestätigungen und Spenden: Name und Anschrift der spendenden Person oder Firma, Betrag oder Sachwert, Datum. Wir bewahren sie zehn Jahre auf, weil das Steuerrecht es verlangt (§ 50 Abs. 7 EStDV, § 147 AO; Art. 6 Abs. 1 lit. c DSGVO).
- Anmeldeversuche: E-Mail-Adresse, IP-Adresse und Zeitpunkt fehlgeschlagener Anmeldungen, um Ihr Konto vor dem Erraten von Passwörtern zu schützen (Art. 6 Abs. 1 lit. f DSGVO). Sie werden gelöscht, wenn die Sperrfrist abgelaufen ist oder Sie sich erfolgreich angemeldet haben.

## E-Mails

Wir schicken Ihnen E-Mails zu jedem Schritt Ihrer Buchungen und Spenden, Einladungen und Hinweise zu Ihrer Organisation. Benachrichtigungen, die nicht nötig sind, können Sie in Ihren Einstellungen oder über den Link in jeder solchen E-Mail abbestellen. Werbung verschicken wir nicht.

## Cookies

Kiezmarkt setzt nur Cookies, die für die Seite nötig sind: eines für Ihre Anmeldung, eines zum Schutz der Formulare und eines für die gewählte Sprache. Es gibt keine Analyse- oder Werbe-Cookies und keine Inhalte von Dritten.

## Wer Ihre Daten außerdem erhält

Die Server und der E-Mail-Versand werden von Dienstleistern betrieben, die in unserem Auftrag und nach unseren Weisungen arbeiten (Art. 28 DSGVO): [Hosting-Anbieter], [E-Mail-Anbieter]. Eine Übermittlung in Länder außerhalb der EU findet nicht statt.

## Wie lange wir Daten speichern

Solange Sie ein Konto haben. Wenn Sie Ihr Konto löschen lassen möchten, schreiben Sie uns; wir löschen es, soweit keine gesetzliche Aufbewahrungspflicht (etwa für Zuwendungsbestätigungen) entgegensteht.

## Ihre Rechte

Sie haben das Recht auf Auskunft (Art. 15 DSGVO), Berichtigung (Art. 16), Löschung (Art. 17), Einschränkung der Verarbeitung (Art. 18), Datenübertragbarkeit (Art. 20) und Widerspruch (Art. 21). Sie können sich außerdem bei einer Aufsichtsbehörde beschweren, in Berlin bei der Berliner Beauftragten für Datenschutz und Informationsfreiheit, https://www.datenschutz-berlin.de.
"""

PRIVACY_EN = """\
## Who is responsible?

Kiezmarkt is the marketplace of the neighbourhood network (Kieznetzwerk). The controller of your data within the meaning of the General Data Protection Regulation (GDPR) is the operator named in the imprint: [name of the association], [street and number], [postcode] Berlin, e-mail: [address for data protection questions].

## What data we process and why

- Your account: name, e-mail address, language, password (stored only as a secure hash) and when you accepted this privacy notice. We need them so that you can sign in and receive messages (Art. 6(1)(b) GDPR).
- Your organisation and your role in it: the organisation's profile, its members and, for social organisations, their tax-exemption details.
- Offers, bookings, messages, referrals and donations: what you offer, request and agree, who took which step and when. Only the two organisations involved and the network's coordination see this data.
- For job referrals, the details of the person referred, which you may enter only with that person's consent.
- Donation receipts and donations: name and address of the donor, amount or value, date. We keep them for ten years because tax law requires it (§ 50(7) EStDV, § 147 AO; Art. 6(1)(c) GDPR).
- Sign-in attempts: e-mail address, IP address and time of failed sign-ins, to protect your account against guessed passwords (Art. 6(1)(f) GDPR). They are deleted when the lockout period has passed or you have signed in successfully.

## E-mails

We send you e-mails about every step of your bookings and donations, invitations and news about your organisation. You can switch off notifications that are not necessary in your settings or with the link in each such e-mail. We send no advertising.

## Cookies

Kiezmarkt sets only the cookies the site needs: one for your sign-in, one to protect forms and one for the language you chose. There are no analytics or advertising cookies and no third-party content.

## Who else receives your data

The servers and the sending of e-mail are run by service providers working on our behalf and under our instructions (Art. 28 GDPR): [hosting provider], [e-mail provider]. No data is transferred to countries outside the EU.

## How long we keep data

As long as you have an account. If you would like your account deleted, write to us; we delete it unless a legal duty to keep records (such as for donation receipts) stands in the way.

## Your rights

You have the right of access (Art. 15 GDPR), rectification (Art. 16), erasure (Art. 17), restriction of processing (Art. 18), data portability (Art. 20) and to object (Art. 21). You may also complain to a supervisory authority, in Berlin the Berlin Commissioner for Data Protection and Freedom of Information, https://www.datenschutz-berlin.de.
"""

IMPRINT_DE = """\
## Angaben gemäß § 5 DDG

[Name des Vereins]
[Straße und Hausnummer]
[Postleitzahl] Berlin

Vertreten durch den Vorstand: [Namen]

Eingetragen im Vereinsregister des Amtsgerichts Charlottenburg unter [Registernummer].

## Kontakt

E-Mail: [E-Mail-Adresse]
Telefon: [Telefonnummer]

## Verantwortlich für den Inhalt nach § 18 Abs. 2 MStV

[Name], Anschrift wie oben.

## Inhalte der Mitglieder

Angebote, Gesuche und Profile stellen die Organisationen des Netzwerks selbst ein; für ihren Inhalt sind sie verantwortlich. Hinweise auf rechtswidrige Inhalte nimmt die Koordination unter der oben genannten Adresse entgegen.
"""

IMPRINT_EN = """\
## Information according to § 5 DDG (German Digital Services Act)

[name of the association]
[street and number]
[postcode] Berlin

Represented by the board: [names]

Registered in the register of associations of the Amtsgericht Charlottenburg under [register number].

## Contact

E-mail: [e-mail address]
Phone: [phone number]

## Responsible for the content according to § 18(2) MStV

[name], address as above.

## Content of the members

Offers, requests and profiles are posted by the network's organisations themselves, who are responsible for their content. Please report unlawful content to the coordination at the address above.
"""

# Stored as the coordinator's edits are (services/legal.py strips them), so saving a default
# unchanged makes no new version.
DEFAULT_TEXTS = {
    "privacy": (PRIVACY_DE.strip(), PRIVACY_EN.strip()),
    "imprint": (IMPRINT_DE.strip(), IMPRINT_EN.strip()),
}

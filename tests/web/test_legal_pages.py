"""The privacy notice and imprint pages: linked from every page's footer, in the reader's language
where the coordinator wrote one, edited by the coordinator on /koordination/ as new versions."""

import pytest
from django.template.loader import render_to_string
from django.test import Client

from marketplace.models import LegalText, LegalTextKind
from marketplace.selectors import legal_text_current
from marketplace.services.legal import legal_text_publish
from tests.factories import CompanyFactory, CoordinatorFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db

EDIT_PRIVACY = "/koordination/rechtstexte/datenschutz/"


def _english(client: Client) -> Client:
    client.post("/sprache/", {"language": "en", "next": "/"})
    return client


@pytest.mark.parametrize(
    ("path", "who"),
    [
        ("/", None),
        ("/anmelden/", None),
        ("/registrieren/", None),
        ("/datenschutz/", None),
        ("/gibt-es-nicht/", None),
        ("/willkommen/", "newcomer"),
        ("/konto/", "member"),
        ("/koordination/", "coordinator"),
    ],
)
def test_every_page_links_the_privacy_notice_and_imprint_in_its_footer(signed_in, path, who):
    people = {
        "newcomer": UserFactory,
        "member": lambda: member_of(CompanyFactory()),
        "coordinator": CoordinatorFactory,
    }
    client = signed_in(people[who]()) if who else Client()

    html = client.get(path).content.decode()

    footer = html[html.index('<footer class="site-footer">') :]
    assert '<a href="/datenschutz/">Datenschutz</a>' in footer
    assert '<a href="/impressum/">Impressum</a>' in footer


def test_the_server_error_page_links_them_too():
    html = render_to_string("500.html")

    assert 'href="/datenschutz/"' in html and 'href="/impressum/"' in html


def test_the_pages_show_the_built_in_german_texts_to_anyone():
    privacy = Client().get("/datenschutz/")
    imprint = Client().get("/impressum/")

    assert privacy.status_code == imprint.status_code == 200
    privacy_html, imprint_html = privacy.content.decode(), imprint.content.decode()
    assert "<h1>Datenschutzerklärung</h1>" in privacy_html
    assert "<h2>Wer ist verantwortlich?</h2>" in privacy_html
    assert "<h2>Ihre Rechte</h2>" in privacy_html
    assert "Fassung 1 vom" in privacy_html
    assert "<h1>Impressum</h1>" in imprint_html
    assert "§ 5 DDG" in imprint_html


def test_english_pages_show_the_english_text_where_there_is_one_else_the_german():
    coordinator = CoordinatorFactory()
    legal_text_publish(
        kind=LegalTextKind.IMPRINT,
        by=coordinator,
        body_de="## Anbieter\n\nKieznetzwerk e.V.\nWassertorstraße 48",
        body_en="",
    )
    client = _english(Client())

    privacy = client.get("/datenschutz/").content.decode()
    imprint = client.get("/impressum/").content.decode()

    assert "<h1>Privacy notice</h1>" in privacy
    assert "<h2>Who is responsible?</h2>" in privacy
    assert "Wer ist verantwortlich?" not in privacy
    assert "<h1>Imprint</h1>" in imprint
    assert "<h2>Anbieter</h2>" in imprint
    assert "<p>Kieznetzwerk e.V.<br>Wassertorstraße 48</p>" in imprint
    assert "Version 2 of" in imprint


def test_the_text_is_shown_as_text_never_as_html():
    legal_text_publish(
        kind=LegalTextKind.IMPRINT,
        by=CoordinatorFactory(),
        body_de=(
            "<script>alert(1)</script>\n\n- Punkt <b>eins</b>\n- https://example.org/kontakt"
            "\n\nMail: info@example.org"
        ),
    )

    html = Client().get("/impressum/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<li>Punkt &lt;b&gt;eins&lt;/b&gt;</li>" in html
    assert '<a href="https://example.org/kontakt" rel="nofollow">' in html
    assert '<a href="mailto:info@example.org">info@example.org</a>' in html


def test_the_coordinator_edits_the_privacy_notice_and_the_public_page_shows_the_new_version(
    signed_in,
):
    coordinator = CoordinatorFactory(full_name="Kim Koordination")
    client = signed_in(coordinator)

    overview = client.get("/koordination/").content.decode()
    form = client.get(EDIT_PRIVACY)
    saved = client.post(
        EDIT_PRIVACY,
        {
            "body_de": "## Neu\n\nWir speichern wenig.",
            "body_en": "## New\n\nWe keep little.",
            "based_on": "1",
        },
    )

    assert EDIT_PRIVACY in overview
    assert form.status_code == 200
    assert "Wer ist verantwortlich?" in form.content.decode()  # starts from the text in force
    assert saved.status_code == 302 and saved["Location"] == EDIT_PRIVACY
    page = client.get(EDIT_PRIVACY).content.decode()
    assert "Gespeichert als Fassung 2." in page
    assert "Kim Koordination" in page
    public = Client().get("/datenschutz/").content.decode()
    assert "<h2>Neu</h2>" in public and "Fassung 2 vom" in public
    assert LegalText.objects.filter(kind=LegalTextKind.PRIVACY).count() == 2


def test_an_edit_started_before_someone_elses_save_is_refused_and_keeps_the_input(signed_in):
    coordinator = CoordinatorFactory()
    legal_text_publish(kind=LegalTextKind.PRIVACY, by=coordinator, body_de="Fassung zwei.")

    response = signed_in(coordinator).post(
        EDIT_PRIVACY, {"body_de": "Meine Änderung.", "body_en": "", "based_on": "1"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "inzwischen geändert (jetzt Fassung 2)" in html
    assert "Meine Änderung." in html
    assert legal_text_current(LegalTextKind.PRIVACY).body_de == "Fassung zwei."


@pytest.mark.parametrize(
    "data",
    [
        {"body_de": "", "body_en": "", "based_on": "1"},
        {"body_de": "Text\x00", "body_en": "", "based_on": "1"},
        {"body_de": "x" * 50_001, "body_en": "", "based_on": "1"},
        {"body_de": "Gut.", "body_en": "", "based_on": "eins"},
        {"body_de": "Gut.", "body_en": ""},
    ],
    ids=["empty", "nul", "too-long", "bad-version", "no-version"],
)
def test_bad_input_on_the_edit_page_is_a_400_and_saves_nothing(signed_in, data):
    response = signed_in(CoordinatorFactory()).post(EDIT_PRIVACY, data)

    assert response.status_code == 400
    assert LegalText.objects.filter(kind=LegalTextKind.PRIVACY).count() == 1


def test_unchanged_text_makes_no_new_version(signed_in):
    current = legal_text_current(LegalTextKind.IMPRINT)
    client = signed_in(CoordinatorFactory())

    response = client.post(
        "/koordination/rechtstexte/impressum/",
        {"body_de": current.body_de, "body_en": current.body_en, "based_on": "1"},
        follow=True,
    )

    assert "keine neue Fassung" in response.content.decode()
    assert LegalText.objects.filter(kind=LegalTextKind.IMPRINT).count() == 1


@pytest.mark.parametrize("who", ["anonymous", "member", "admin"])
def test_nobody_else_reaches_the_edit_page(signed_in, who):
    client = {
        "anonymous": Client,
        "member": lambda: signed_in(member_of(CompanyFactory())),
        "admin": lambda: signed_in(member_of(CompanyFactory(), role="admin")),
    }[who]()

    page = client.get(EDIT_PRIVACY)
    post = client.post(EDIT_PRIVACY, {"body_de": "Gekapert.", "based_on": "1"})

    expected = 302 if who == "anonymous" else 404
    assert (page.status_code, post.status_code) == (expected, expected)
    assert legal_text_current(LegalTextKind.PRIVACY).version == 1


def test_an_unknown_text_is_404(signed_in):
    assert signed_in(CoordinatorFactory()).get("/koordination/rechtstexte/agb/").status_code == 404

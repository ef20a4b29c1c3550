"""The privacy notice and the imprint as data: built-in first versions, each coordinator's save a
new version, no lost edits, and nobody else may change them."""

import pytest
from django.core.management import call_command

from marketplace.errors import Conflict, InvalidInput, NotAllowed
from marketplace.legal_defaults import DEFAULT_TEXTS
from marketplace.models import LegalText, LegalTextKind
from marketplace.selectors import legal_text_current
from marketplace.services.legal import legal_text_publish
from tests.factories import CompanyFactory, CoordinatorFactory, member_of

pytestmark = pytest.mark.django_db


def test_after_migrate_both_texts_exist_as_version_1_with_the_built_in_text():
    LegalText.objects.all().delete()

    call_command("migrate", verbosity=0)

    for kind in LegalTextKind.values:
        [text] = LegalText.objects.filter(kind=kind)
        assert text.version == 1
        assert (text.body_de, text.body_en) == DEFAULT_TEXTS[kind]
    # A second migrate adds nothing.
    call_command("migrate", verbosity=0)
    assert LegalText.objects.count() == 2


def test_each_save_is_a_new_version_and_the_old_ones_stay():
    coordinator = CoordinatorFactory()

    second = legal_text_publish(
        kind=LegalTextKind.PRIVACY, by=coordinator, body_de="Neu.", body_en="New.", based_on=1
    )
    third = legal_text_publish(
        kind=LegalTextKind.PRIVACY, by=coordinator, body_de="Neuer.\r\n", based_on=2
    )

    assert (second.version, third.version) == (2, 3)
    assert third.body_de == "Neuer." and third.body_en == ""
    assert third.created_by == coordinator
    assert legal_text_current(LegalTextKind.PRIVACY) == third
    assert list(
        LegalText.objects.filter(kind=LegalTextKind.PRIVACY).values_list("version", flat=True)
    ) == [3, 2, 1]
    # The imprint has its own numbering and is untouched.
    assert legal_text_current(LegalTextKind.IMPRINT).version == 1


def test_saving_the_same_text_again_makes_no_new_version():
    coordinator = CoordinatorFactory()
    current = legal_text_current(LegalTextKind.IMPRINT)

    again = legal_text_publish(
        kind=LegalTextKind.IMPRINT,
        by=coordinator,
        body_de=current.body_de,
        body_en=current.body_en,
        based_on=1,
    )

    assert again == current
    assert LegalText.objects.filter(kind=LegalTextKind.IMPRINT).count() == 1


def test_a_save_based_on_an_old_version_is_refused_and_keeps_the_newer_text():
    coordinator = CoordinatorFactory()
    legal_text_publish(kind=LegalTextKind.PRIVACY, by=coordinator, body_de="Erste.", based_on=1)

    with pytest.raises(Conflict) as refused:
        legal_text_publish(
            kind=LegalTextKind.PRIVACY, by=coordinator, body_de="Zweite.", based_on=1
        )

    assert "Fassung 2" in refused.value.message
    assert legal_text_current(LegalTextKind.PRIVACY).body_de == "Erste."


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"body_de": "   "}, "body_de"),
        ({"body_de": "x" * 50_001}, "body_de"),
        ({"body_de": "Text\x00"}, "body_de"),
        ({"body_en": "Text\x1b[31m"}, "body_en"),
        ({"kind": "agb"}, "kind"),
    ],
    ids=["empty", "too-long", "nul", "escape", "unknown-kind"],
)
def test_bad_texts_are_refused_and_change_nothing(changes, field):
    before = list(LegalText.objects.values_list("kind", "version", "body_de"))
    arguments = {"kind": LegalTextKind.PRIVACY, "body_de": "Gut.", **changes}

    with pytest.raises(InvalidInput) as refused:
        legal_text_publish(by=CoordinatorFactory(), **arguments)

    assert refused.value.field == field
    assert list(LegalText.objects.values_list("kind", "version", "body_de")) == before


def test_only_the_coordinator_changes_the_texts():
    admin = member_of(CompanyFactory(), role="admin")

    with pytest.raises(NotAllowed):
        legal_text_publish(kind=LegalTextKind.IMPRINT, by=admin, body_de="Gekapert.")

    assert legal_text_current(LegalTextKind.IMPRINT).version == 1


def test_english_pages_get_the_english_text_only_where_there_is_one():
    text = LegalText(kind=LegalTextKind.IMPRINT, version=9, body_de="Deutsch", body_en="English")
    german_only = LegalText(kind=LegalTextKind.IMPRINT, version=9, body_de="Deutsch", body_en=" ")

    assert text.body_for("en") == "English"
    assert text.body_for("de") == "Deutsch"
    assert german_only.body_for("en") == "Deutsch"

"""The account services on their own, as the web pages will call them."""

import threading

import pytest
from django.core import mail
from django.db import connection

from marketplace.errors import InvalidInput
from marketplace.models import User
from marketplace.services import accounts
from marketplace.tokens import email_verification_token
from tests.factories import UserFactory

from .test_accounts_api import NEW_PASSWORD, verification_token_from


@pytest.mark.django_db
def test_register_then_verify_with_the_link_from_the_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = accounts.user_register(
            email=" Jonas@Example.org ",
            password=NEW_PASSWORD,
            full_name=" Jonas Weber ",
            privacy_notice_accepted=True,
        )

    assert (user.email, user.full_name, user.email_verified) == (
        "jonas@example.org",
        "Jonas Weber",
        False,
    )
    assert user.check_password(NEW_PASSWORD)
    verified = accounts.user_verify_email(token=verification_token_from(mail.outbox[0]))
    assert verified.pk == user.pk
    user.refresh_from_db()
    assert user.email_verified


@pytest.mark.django_db
def test_deactivated_accounts_get_no_mail_and_no_verification(django_capture_on_commit_callbacks):
    user = UserFactory(email="weg@example.org", is_active=False, email_verified=False)

    with django_capture_on_commit_callbacks(execute=True):
        accounts.user_request_password_reset(email=user.email)
        accounts.user_resend_verification(email=user.email)

    assert mail.outbox == []
    with pytest.raises(InvalidInput) as refused:
        accounts.user_verify_email(token=email_verification_token(user))
    assert refused.value.code == "token_invalid"


@pytest.mark.django_db
def test_profile_update_refuses_unknown_language_and_keeps_the_rest():
    user = UserFactory(full_name="Alt", language="de")

    with pytest.raises(InvalidInput):
        accounts.user_update_profile(user=user, full_name="Neu", language="fr")

    user.refresh_from_db()
    assert (user.full_name, user.language) == ("Alt", "de")


@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_ups_with_one_address_make_one_account():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers: run with DATABASE_URL=postgres://...")
    # Several rounds, so the two requests do meet between the check and the insert.
    for round_ in range(5):
        start = threading.Barrier(2)
        outcomes: list[str] = []

        def sign_up(email, start=start, outcomes=outcomes):
            try:
                start.wait()
                created = accounts.user_register(
                    email=email,
                    password=NEW_PASSWORD,
                    full_name="Doppelt",
                    privacy_notice_accepted=True,
                )
                outcomes.append("created" if created else "owner told")
            except InvalidInput as error:
                outcomes.append(error.code)
            finally:
                connection.close()

        address = f"doppelt{round_}@example.org"
        threads = [
            threading.Thread(target=sign_up, args=(email,)) for email in (address, address.upper())
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

        assert sorted(outcomes) == ["created", "owner told"]
        assert User.objects.filter(email__iexact=address).count() == 1

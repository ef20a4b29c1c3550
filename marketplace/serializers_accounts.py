"""Input and output shapes of the account API. They check types and sizes; the rules (password
strength, taken addresses, token validity) live in services/accounts.py."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .api_base import StrictModelSerializer, StrictSerializer
from .models import Language, User

# Long enough for any password manager's passphrase, short enough that hashing stays cheap.
PASSWORD_MAX_LENGTH = 256
TOKEN_MAX_LENGTH = 300


class PasswordField(serializers.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", PASSWORD_MAX_LENGTH)
        kwargs.setdefault("trim_whitespace", False)
        kwargs.setdefault("style", {"input_type": "password"})
        kwargs.setdefault("write_only", True)
        super().__init__(**kwargs)


class RegisterSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254)
    password = PasswordField()
    full_name = serializers.CharField(max_length=150)
    language = serializers.ChoiceField(choices=Language.choices, default=Language.GERMAN)
    privacy_notice_accepted = serializers.BooleanField(
        help_text=_(
            "Muss `true` sein: Die Person hat die Datenschutzerklärung (`/datenschutz/`) gelesen "
            "und stimmt ihr zu. Gespeichert wird, welcher Fassung und wann."
        )
    )
    privacy_notice_version = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        help_text=_(
            "Die Fassung, die der Person gezeigt wurde. Ist inzwischen eine neuere in Kraft, "
            "ergibt das 400 (Code `privacy_notice_outdated`). Ohne Angabe: die geltende Fassung."
        ),
    )


class VerifyEmailSerializer(StrictSerializer):
    token = serializers.CharField(max_length=TOKEN_MAX_LENGTH, trim_whitespace=True)


class EmailSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254)


class TokenObtainSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254)
    password = PasswordField()


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text=_("Senden als `Authorization: Token <token>` oder `Bearer <token>`.")
    )


class PasswordResetConfirmSerializer(StrictSerializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=TOKEN_MAX_LENGTH)
    new_password = PasswordField()


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class RegisteredSerializer(DetailSerializer):
    """The answer to a sign-up, the same whether or not the address already had an account."""

    email = serializers.EmailField()


class ProfileSerializer(StrictModelSerializer):
    """The person's own account: name and language can be changed, the rest is shown only."""

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "language", "email_verified", "date_joined"]
        read_only_fields = ["id", "email", "email_verified", "date_joined"]
        extra_kwargs = {"full_name": {"allow_blank": False}}

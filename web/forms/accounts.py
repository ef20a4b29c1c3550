from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from marketplace.models import Language

PASSWORD_MAX_LENGTH = 256


def _password(label, *, autocomplete: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


def _email(**kwargs) -> forms.EmailField:
    return forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        **kwargs,
    )


class _NewPasswordMixin:
    def clean(self):
        cleaned = super().clean()
        password, again = cleaned.get("password"), cleaned.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", _("Die beiden Passwörter stimmen nicht überein."))
        return cleaned


class SignUpForm(_NewPasswordMixin, forms.Form):
    full_name = forms.CharField(
        label=_("Ihr Name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = _email()
    password = _password(_("Passwort"), autocomplete="new-password")
    password_again = _password(_("Passwort wiederholen"), autocomplete="new-password")
    language = forms.ChoiceField(
        label=_("Sprache für E-Mails"), choices=Language.choices, initial=Language.GERMAN
    )
    # Checked by the sign-up service (it names the refusal), so that the form and the API say
    # the same; the version is the one the page showed.
    privacy_notice_accepted = forms.BooleanField(required=False)
    privacy_notice_version = forms.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = _(
            "Mindestens 8 Zeichen, nicht nur Ziffern und nicht zu einfach."
        )
        # Built per request: the link's text follows the page's language.
        self.fields["privacy_notice_accepted"].label = format_html(
            _("Ich habe die {link}Datenschutzerklärung{end} gelesen und stimme ihr zu."),
            link=format_html('<a href="{}" target="_blank">', reverse("web:privacy")),
            end=mark_safe("</a>"),
        )


class SignInForm(forms.Form):
    email = _email()
    password = _password(_("Passwort"), autocomplete="current-password")


class EmailForm(forms.Form):
    email = _email()


class NewPasswordForm(_NewPasswordMixin, forms.Form):
    password = _password(_("Neues Passwort"), autocomplete="new-password")
    password_again = _password(_("Neues Passwort wiederholen"), autocomplete="new-password")


class ProfileForm(forms.Form):
    full_name = forms.CharField(
        label=_("Ihr Name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    language = forms.ChoiceField(
        label=_("Sprache"),
        choices=Language.choices,
        help_text=_("In dieser Sprache erhalten Sie E-Mails und sehen die Seiten."),
    )

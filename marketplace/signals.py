"""Signals of the base, for apps above it that must react without the base importing them."""

from django.dispatch import Signal

# Sent by services.accounts.user_reset_password() with `user`, in its transaction: whatever
# grants access without the password (a calendar feed's address) must end now, as sessions
# and API tokens do.
password_reset = Signal()

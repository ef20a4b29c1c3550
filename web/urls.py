"""The web pages. Paths are German (the links in e-mails point at some of them:
/konto/bestaetigen/<token>/, /konto/passwort/<uidb64>/<token>/, /einladung/<token>/, and
/datenschutz/ and /impressum/ in every e-mail's footer)."""

from django.conf import settings
from django.urls import path, re_path

from .views import (
    accounts,
    booking_basket,
    bookings,
    coordination,
    core,
    directory,
    donations,
    legal,
    listings,
    media,
    needs,
    network_events,
    network_groups,
    network_hosting,
    notifications,
    onboarding,
    organisations,
    reports,
    waitlist,
)

app_name = "web"

urlpatterns = [
    path("", listings.home, name="home"),
    path("sprache/", core.set_language, name="set-language"),
    # the law (the e-mails' footer links to these two paths)
    path("datenschutz/", legal.privacy_notice, name="privacy"),
    path("impressum/", legal.imprint, name="imprint"),
    path("willkommen/", onboarding.welcome, name="welcome"),
    # the public face of the network
    # Needs (Gesuche) of social organisations and the companies' proposals.
    path("gesuche/", needs.need_list, name="needs"),
    path("gesuche/neu/", needs.need_create, name="need-create"),
    path("gesuche/passend/", needs.fitting, name="needs-fitting"),
    path("gesuche/<int:pk>/", needs.need_detail, name="need"),
    path("gesuche/<int:pk>/bearbeiten/", needs.need_edit, name="need-edit"),
    path("gesuche/<int:pk>/status/<str:action>/", needs.need_move, name="need-move"),
    path("gesuche/<int:pk>/vorschlaege/", needs.proposal_create, name="need-propose"),
    path(
        "gesuche/<int:pk>/vorschlaege/<int:pid>/<str:action>/",
        needs.proposal_move,
        name="need-proposal-move",
    ),
    path("netzwerk/", directory.directory, name="directory"),
    path("netzwerk/<int:pk>/", directory.member_profile, name="member-profile"),
    # the network's events (the e-mails link to /termine/<id>/)
    path("termine/", network_events.upcoming_events, name="events"),
    path("termine/meine/", network_events.my_registrations, name="my-registrations"),
    path("termine/monat/", network_events.month_view, name="events-month"),
    path("termine/monat/<str:month>/", network_events.month_view, name="events-month-of"),
    path("termine/neu/", network_hosting.event_new, name="event-new"),
    path("termine/<int:pk>/", network_events.event_detail, name="event"),
    path("termine/<int:pk>/kalender.ics", network_events.event_ics, name="event-ics"),
    path("termine/<int:pk>/anmelden/", network_events.event_register, name="event-register"),
    path(
        "termine/<int:pk>/anmeldungen/<int:registration_id>/abmelden/",
        network_events.registration_cancel_view,
        name="event-registration-cancel",
    ),
    path("termine/<int:pk>/bearbeiten/", network_hosting.event_edit, name="event-edit"),
    path(
        "termine/<int:pk>/status/<str:action>/", network_hosting.event_status, name="event-status"
    ),
    path("termine/<int:pk>/programm/", network_hosting.stations, name="event-stations"),
    path(
        "termine/<int:pk>/programm/<int:station_id>/",
        network_hosting.station_edit,
        name="event-station-edit",
    ),
    path(
        "termine/<int:pk>/anmeldungen/",
        network_hosting.registrations,
        name="event-registrations",
    ),
    path(
        "termine/<int:pk>/anmeldungen.csv",
        network_hosting.registrations_csv,
        name="event-registrations-csv",
    ),
    path("termine/<int:pk>/anwesenheit/", network_hosting.attendance, name="event-attendance"),
    path(
        "termine/<int:pk>/anwesenheit/organisationen/",
        network_hosting.attendance_counts,
        name="event-attendance-counts",
    ),
    path("termine/reihen/<int:pk>/kalender.ics", network_events.series_ics, name="series-ics"),
    # accounts
    path("registrieren/", accounts.sign_up, name="sign-up"),
    path("anmelden/", accounts.sign_in, name="sign-in"),
    path("abmelden/", accounts.sign_out, name="sign-out"),
    path("konto/", accounts.profile, name="profile"),
    path(
        "konto/bestaetigung-anfordern/",
        accounts.resend_verification,
        name="resend-verification",
    ),
    path("konto/bestaetigen/<str:token>/", accounts.verify_email, name="verify-email"),
    path("konto/passwort/", accounts.password_reset_request, name="password-reset"),
    path(
        "konto/passwort/<str:uidb64>/<str:token>/",
        accounts.password_reset_confirm,
        name="password-reset-confirm",
    ),
    # organisations
    path("einladung/<str:token>/", organisations.invitation, name="invitation"),
    path("organisationen/", organisations.my_organisations, name="my-organisations"),
    path("organisationen/neu/", organisations.organisation_apply, name="organisation-apply"),
    path("organisationen/<int:pk>/", organisations.organisation_detail, name="organisation"),
    path(
        "organisationen/<int:pk>/profil/",
        organisations.organisation_edit,
        name="organisation-edit",
    ),
    path(
        "organisationen/<int:pk>/steuerbefreiung/",
        organisations.tax_exemption_edit,
        name="organisation-tax",
    ),
    path(
        "organisationen/<int:pk>/mitglieder/",
        organisations.members,
        name="organisation-members",
    ),
    path(
        "organisationen/<int:pk>/mitglieder/<int:membership_id>/rolle/",
        organisations.member_role,
        name="organisation-member-role",
    ),
    path(
        "organisationen/<int:pk>/mitglieder/<int:membership_id>/entfernen/",
        organisations.member_remove,
        name="organisation-member-remove",
    ),
    path(
        "organisationen/<int:pk>/einladungen/<int:invitation_id>/widerrufen/",
        organisations.invitation_revoke,
        name="organisation-invitation-revoke",
    ),
    # offers
    path("angebote/<int:pk>/", listings.offer_detail, name="offer"),
    path("angebote/<int:pk>/bearbeiten/", listings.offer_edit, name="offer-edit"),
    path(
        "angebote/<int:pk>/status/<str:action>/",
        listings.offer_status,
        name="offer-status",
    ),
    path("angebote/<int:pk>/loeschen/", listings.offer_delete, name="offer-delete"),
    path("angebote/<int:pk>/fotos/", listings.photo_add, name="offer-photo-add"),
    path(
        "angebote/<int:pk>/fotos/<int:photo_id>/loeschen/",
        listings.photo_delete,
        name="offer-photo-delete",
    ),
    path(
        "organisationen/<int:pk>/angebote/",
        listings.organisation_offers,
        name="organisation-offers",
    ),
    path(
        "organisationen/<int:pk>/angebote/neu/<str:kind_slug>/",
        listings.offer_create,
        name="offer-create",
    ),
    # bookings (the e-mails link to /buchungen/<id>/)
    path("angebote/<int:pk>/buchen/", bookings.offer_book, name="offer-book"),
    path("angebote/<int:pk>/warteliste/", waitlist.offer_waitlist, name="offer-waitlist"),
    path("warteliste/", waitlist.my_waitlist, name="my-waitlist"),
    path("warteliste/<int:pk>/verlassen/", waitlist.waitlist_leave, name="waitlist-leave"),
    path("buchungen/", bookings.my_bookings, name="my-bookings"),
    path("buchungen/<int:pk>/", bookings.booking_detail, name="booking"),
    path(
        "buchungen/<int:pk>/aktion/<str:action>/",
        bookings.booking_action,
        name="booking-action",
    ),
    path("buchungen/<int:pk>/nachricht/", bookings.booking_message, name="booking-message"),
    # several items of one company in one request (web/views/booking_basket.py)
    path("buchungen/sammelanfrage/", booking_basket.basket, name="loan-basket"),
    path(
        "buchungen/sammelanfrage/hinzufuegen/<int:pk>/",
        booking_basket.basket_add,
        name="loan-basket-add",
    ),
    path(
        "buchungen/sammelanfrage/entfernen/<int:pk>/",
        booking_basket.basket_remove,
        name="loan-basket-remove",
    ),
    path("buchungen/sammelanfragen/<int:pk>/", booking_basket.group_detail, name="booking-group"),
    path(
        "buchungen/sammelanfragen/<int:pk>/<str:step>/",
        booking_basket.group_step,
        name="booking-group-step",
    ),
    path(
        "organisationen/<int:pk>/buchungen/",
        bookings.organisation_bookings,
        name="organisation-bookings",
    ),
    path(
        "buchungen/<int:pk>/teilnahmebestaetigung.pdf",
        donations.participation_pdf,
        name="booking-participation",
    ),
    # donations and receipts
    path(
        "organisationen/<int:pk>/spenden/",
        donations.organisation_donations,
        name="organisation-donations",
    ),
    path(
        "organisationen/<int:pk>/spenden/neu/<str:kind_slug>/",
        donations.donation_record,
        name="donation-record",
    ),
    path(
        "organisationen/<int:pk>/zuwendungsbestaetigungen/",
        donations.organisation_receipts,
        name="organisation-receipts",
    ),
    path(
        "organisationen/<int:pk>/sammelbestaetigungen/",
        donations.collective_issue,
        name="collective-issue",
    ),
    path("spenden/<int:pk>/", donations.donation_detail, name="donation"),
    path(
        "spenden/<int:pk>/aktion/<str:action>/",
        donations.donation_action,
        name="donation-action",
    ),
    path(
        "spenden/<int:pk>/zuwendungsbestaetigung.pdf",
        donations.donation_receipt_pdf,
        name="donation-receipt-pdf",
    ),
    path("zuwendungsbestaetigungen/<int:pk>/", donations.receipt_detail, name="receipt"),
    path("zuwendungsbestaetigungen/<int:pk>.pdf", donations.receipt_pdf, name="receipt-pdf"),
    path(
        "zuwendungsbestaetigungen/<int:pk>/neu-ausstellen/",
        donations.receipt_reissue,
        name="receipt-reissue",
    ),
    path(
        "zuwendungsbestaetigungen/<int:pk>/stornieren/",
        donations.receipt_cancel,
        name="receipt-cancel",
    ),
    # notifications (the unsubscribe page is the notifications app's, under the same prefix)
    path("benachrichtigungen/", notifications.notification_list, name="notifications"),
    path(
        "benachrichtigungen/<int:pk>/oeffnen/",
        notifications.notification_open,
        name="notification-open",
    ),
    path(
        "benachrichtigungen/alle-gelesen/",
        notifications.notification_read_all,
        name="notifications-read-all",
    ),
    path(
        "benachrichtigungen/einstellungen/",
        notifications.notification_preferences,
        name="notification-preferences",
    ),
    path(
        "benachrichtigungen/kalender/",
        notifications.calendar_feed_regenerate,
        name="calendar-feed-regenerate",
    ),
    # reports
    path("berichte/netzwerk/", reports.network_report, name="report-network"),
    path("berichte/netzwerk/<str:chart>.png", reports.network_chart, name="report-network-chart"),
    path(
        "berichte/netzwerk/export.<str:fmt>",
        reports.network_export,
        name="report-network-export",
    ),
    path("berichte/stundensatz/", reports.hour_rate, name="report-hour-rate"),
    path(
        "organisationen/<int:pk>/bericht/",
        reports.organisation_report,
        name="report-organisation",
    ),
    path(
        "organisationen/<int:pk>/bericht/<str:chart>.png",
        reports.organisation_chart,
        name="report-organisation-chart",
    ),
    path(
        "organisationen/<int:pk>/bericht/export.<str:fmt>",
        reports.organisation_export,
        name="report-organisation-export",
    ),
    path(
        "organisationen/<int:pk>/engagement-bericht.pdf",
        reports.engagement_report,
        name="report-engagement",
    ),
    # working groups and minutes (network)
    path("arbeitsgruppen/", network_groups.group_list, name="groups"),
    path("arbeitsgruppen/neu/", network_groups.group_create, name="group-create"),
    path("arbeitsgruppen/<int:pk>/", network_groups.group_detail, name="group"),
    path("arbeitsgruppen/<int:pk>/bearbeiten/", network_groups.group_edit, name="group-edit"),
    path("arbeitsgruppen/<int:pk>/beitreten/", network_groups.group_join, name="group-join"),
    path("arbeitsgruppen/<int:pk>/austreten/", network_groups.group_leave, name="group-leave"),
    path("arbeitsgruppen/<int:pk>/leitung/", network_groups.lead_appoint, name="group-lead"),
    path(
        "arbeitsgruppen/<int:pk>/mitglieder/<int:membership_id>/<str:action>/",
        network_groups.member_action,
        name="group-member-action",
    ),
    path("arbeitsgruppen/<int:pk>/nachricht/", network_groups.group_message, name="group-message"),
    path(
        "arbeitsgruppen/<int:pk>/vorhaben/",
        network_groups.project_create,
        name="group-project-create",
    ),
    path(
        "arbeitsgruppen/<int:pk>/vorhaben/<int:project_id>/",
        network_groups.project_edit,
        name="group-project",
    ),
    path("protokolle/<int:event_id>/", network_groups.minutes_detail, name="minutes"),
    path(
        "protokolle/<int:event_id>/schreiben/",
        network_groups.minutes_write,
        name="minutes-write",
    ),
    path(
        "protokolle/<int:event_id>/veroeffentlichen/",
        network_groups.minutes_publish,
        name="minutes-publish",
    ),
    path(
        "protokolle/<int:event_id>/anhaenge/",
        network_groups.minutes_attachment_add,
        name="minutes-attachment-add",
    ),
    path(
        "protokolle/<int:event_id>/anhaenge/<int:attachment_id>/",
        network_groups.minutes_attachment,
        name="minutes-attachment-file",
    ),
    path(
        "protokolle/<int:event_id>/anhaenge/<int:attachment_id>/loeschen/",
        network_groups.minutes_attachment_delete,
        name="minutes-attachment-delete",
    ),
    # coordination
    path("koordination/", coordination.overview, name="coordination"),
    path(
        "koordination/organisationen/<int:pk>/freigeben/",
        coordination.approve,
        name="coordination-approve",
    ),
    path(
        "koordination/organisationen/<int:pk>/ablehnen/",
        coordination.reject,
        name="coordination-reject",
    ),
    path(
        "koordination/organisationen/<int:pk>/sperren/",
        coordination.suspend,
        name="coordination-suspend",
    ),
    path(
        "koordination/rechtstexte/<str:slug>/",
        legal.legal_text_edit,
        name="coordination-legal",
    ),
]

# Logos and equipment photos (see web/views/media.py).
_media = settings.MEDIA_URL.strip("/")
urlpatterns.append(
    re_path(
        rf"^{_media}/(?P<path>(?:logos|listings)/[^\x00]+)$",
        media.uploaded_file,
        name="uploaded-file",
    )
)

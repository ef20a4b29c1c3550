"""/admin/ for coordinators: donations and receipts, read-only.

Receipts are legal documents kept for ten years: the admin neither changes nor deletes them
(the database refuses changes anyway); corrections go through the API's cancel-and-reissue,
which keeps the old one marked cancelled. Coordinators can look up and download any receipt.
"""

from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Donation, DonationEvent, Receipt, ReceiptItem


def _is_coordinator(request) -> bool:
    return getattr(request.user, "is_coordinator", False)


class _ReadOnly(admin.ModelAdmin):
    def has_module_permission(self, request):
        return _is_coordinator(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return _is_coordinator(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DonationEventInline(admin.TabularInline):
    model = DonationEvent
    extra = 0
    can_delete = False
    fields = ["action", "from_state", "to_state", "by", "at", "message"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return _is_coordinator(request) or super().has_view_permission(request, obj)


@admin.register(Donation)
class DonationAdmin(_ReadOnly):
    list_display = ["id", "kind", "state", "amount", "donated_on", "donor_name", "recipient"]
    list_filter = ["kind", "state"]
    search_fields = ["donor_name", "recipient__name", "description"]
    list_select_related = ["recipient"]
    date_hierarchy = "donated_on"
    inlines = [DonationEventInline]


class ReceiptItemInline(admin.TabularInline):
    model = ReceiptItem
    extra = 0
    can_delete = False
    fields = ["donation", "active"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return _is_coordinator(request) or super().has_view_permission(request, obj)


@admin.register(Receipt)
class ReceiptAdmin(_ReadOnly):
    list_display = [
        "number",
        "organisation",
        "kind",
        "donor_name",
        "amount",
        "issued_on",
        "machine_signed",
        "cancelled_at",
    ]
    list_filter = ["kind", "machine_signed", "year"]
    search_fields = ["number", "donor_name", "organisation__name"]
    list_select_related = ["organisation"]
    exclude = ["pdf"]
    readonly_fields = ["download"]
    inlines = [ReceiptItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("pdf")

    @admin.display(description=_("PDF"))
    def download(self, receipt):
        url = reverse("admin:donations_receipt_pdf", args=[receipt.pk])
        return format_html('<a href="{}">{}</a>', url, receipt.filename)

    def get_urls(self):
        pdf = self.admin_site.admin_view(self.pdf_view)
        return [
            path("<int:pk>/pdf/", pdf, name="donations_receipt_pdf"),
            *super().get_urls(),
        ]

    def pdf_view(self, request, pk: int):
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        receipt = get_object_or_404(Receipt, pk=pk)
        response = HttpResponse(bytes(receipt.pdf), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{receipt.filename}"'
        return response

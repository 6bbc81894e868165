from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from surveys.models import ImportBatch, KioskDevice, Period, Response, UnitPeriod, Unsur
from surveys.services.periods import period_held


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ("kode", "tanggal_mulai", "tanggal_selesai", "status")
    list_filter = ("status",)
    # State changes go through the Periods page (audited, and a locked period never reopens).
    readonly_fields = ("kode", "tanggal_mulai", "tanggal_selesai", "status")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Unsur)
class UnsurAdmin(admin.ModelAdmin):
    list_display = ("kode", "nama", "label_singkat")
    readonly_fields = ("kode", "urutan")

    def has_add_permission(self, request):
        return False  # the nine unsur are fixed by the regulation; only their texts change

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("filename", "period", "row_count", "imported_at", "imported_by")
    list_filter = ("period",)
    readonly_fields = [f.name for f in ImportBatch._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ("id", "unit", "period", "submitted_at", "channel")
    list_filter = ("period", "channel")
    search_fields = ("unit__kode", "unit__nama")
    list_select_related = ("unit", "period")
    readonly_fields = [f.name for f in Response._meta.fields]

    def has_add_permission(self, request):
        return False  # responses come from the questionnaire or an import, never typed in here

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # published figures never lose their responses


class UnitPeriodAdminForm(forms.ModelForm):
    """Refuses a locked period, read again under its row lock (the admin saves in one transaction)."""

    class Meta:
        model = UnitPeriod
        fields = ["unit", "period", "populasi", "metode"]

    def clean(self):
        data = super().clean()
        period = data.get("period")
        if period is not None and period_held(period).is_locked:
            raise forms.ValidationError(
                _("Period %(kode)s is locked: its report can no longer change.") % {"kode": period.kode}
            )
        return data


@admin.register(UnitPeriod)
class UnitPeriodAdmin(admin.ModelAdmin):
    """What a unit declares per period; a locked period's settings are published with its report
    (its population moves the public 95 % interval), so they are read-only here as in the portal
    (surveys.services.periods.unit_period_update)."""

    form = UnitPeriodAdminForm
    list_display = ("unit", "period", "populasi", "metode")
    list_filter = ("period",)
    search_fields = ("unit__kode", "unit__nama")
    autocomplete_fields = ("unit",)
    list_select_related = ("unit", "period")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "period":
            kwargs["queryset"] = Period.objects.exclude(status=Period.Status.LOCKED)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.period.is_locked:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Also asked per object when a unit is deleted with its settings (the cascade is refused).
        if obj is not None and obj.period.is_locked:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        if queryset.filter(period__status=Period.Status.LOCKED).exists():
            raise PermissionDenied
        super().delete_queryset(request, queryset)


@admin.register(KioskDevice)
class KioskDeviceAdmin(admin.ModelAdmin):
    """Every unit's counter devices at a glance; pairing and revoking stay on the unit's devices page,
    which audits them."""

    list_display = ("nama", "unit", "paired_at", "last_seen_at", "revoked_at")
    list_filter = ("unit",)
    search_fields = ("nama", "unit__kode", "unit__nama")
    list_select_related = ("unit",)
    # The hashes say nothing useful and are left out; nothing here changes a device.
    fields = ("unit", "nama", "ikon_wajah", "created_at", "created_by", "paired_at", "last_seen_at", "revoked_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

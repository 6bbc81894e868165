from django.contrib import admin

from reports.models import KatalogTindakLanjut, PrioritasUnsur, TindakLanjut


class ReadOnly:
    """Plans change only in the unit workspace, where locked periods and the audit trail apply."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(KatalogTindakLanjut)
class KatalogTindakLanjutAdmin(admin.ModelAdmin):
    list_display = ("unsur", "nomor", "teks")
    list_filter = ("unsur",)


class TindakLanjutInline(ReadOnly, admin.TabularInline):
    model = TindakLanjut
    extra = 0


@admin.register(PrioritasUnsur)
class PrioritasUnsurAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("unit", "period", "urutan", "unsur")
    list_filter = ("period", "unsur")
    search_fields = ("unit__kode", "unit__nama")
    inlines = [TindakLanjutInline]


@admin.register(TindakLanjut)
class TindakLanjutAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("prioritas", "nomor", "target", "penanggung_jawab", "progres")
    list_filter = ("prioritas__period",)
    search_fields = ("prioritas__unit__kode", "teks")

from django.contrib import admin

from surveys.models import ImportBatch, Period, Response, UnitPeriod, Unsur


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


@admin.register(UnitPeriod)
class UnitPeriodAdmin(admin.ModelAdmin):
    list_display = ("unit", "period", "populasi", "metode")
    list_filter = ("period",)
    search_fields = ("unit__kode", "unit__nama")
    autocomplete_fields = ("unit",)

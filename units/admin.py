from django.contrib import admin

from units.models import AuditEvent, JenisLayanan, Unit, UnitAdmin


class JenisLayananInline(admin.TabularInline):
    model = JenisLayanan
    extra = 0


@admin.register(Unit)
class UnitModelAdmin(admin.ModelAdmin):
    list_display = ("kode", "nama", "induk", "jenis", "aktif")
    list_filter = ("aktif", "jenis")
    search_fields = ("kode", "nama")
    autocomplete_fields = ("induk",)
    inlines = [JenisLayananInline]


@admin.register(UnitAdmin)
class UnitAdminAdmin(admin.ModelAdmin):
    list_display = ("user", "unit")
    search_fields = ("user__username", "unit__kode", "unit__nama")
    autocomplete_fields = ("unit",)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "action", "unit", "periode", "detail")
    list_filter = ("action", "periode")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False  # the trail is written by the portal, never by hand

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

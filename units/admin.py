from django.contrib import admin

from .models import JenisLayanan, Unit, UnitPeriod


class JenisLayananInline(admin.TabularInline):
    model = JenisLayanan
    extra = 0


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("kode", "nama", "induk", "jenis", "aktif")
    list_filter = ("aktif", "jenis")
    search_fields = ("kode", "nama")
    autocomplete_fields = ("induk",)
    inlines = [JenisLayananInline]


@admin.register(UnitPeriod)
class UnitPeriodAdmin(admin.ModelAdmin):
    list_display = ("unit", "period", "populasi", "metode")
    list_filter = ("period",)
    search_fields = ("unit__kode", "unit__nama")
    autocomplete_fields = ("unit",)

from django.contrib import admin

from .models import Lieu


@admin.register(Lieu)
class LieuAdmin(admin.ModelAdmin):
    list_display = ["nom", "commune", "departement"]
    list_filter = ["departement"]
    search_fields = ["nom", "commune"]

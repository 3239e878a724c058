from django.contrib import admin

from .models import Evenement


@admin.register(Evenement)
class EvenementAdmin(admin.ModelAdmin):
    """Read-only: the journal is append-only, even for superusers."""

    list_display = ["created_at", "action", "actor", "organisation", "departement", "target_repr"]
    list_filter = ["action", "departement"]
    search_fields = ["target_repr", "actor__email", "target_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from django.contrib import admin

from .models import Management


@admin.register(Management)
class ManagementAdmin(admin.ModelAdmin):
    list_display = ["initiative", "user", "status", "trusted", "created"]
    list_filter = ["status", "trusted"]
    search_fields = ["initiative__name", "user__email"]
    raw_id_fields = ["initiative", "user"]
    readonly_fields = ["decided_by", "decided_at", "created", "updated"]

from django.contrib import admin

from preceptor.profiles.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["handle", "user", "profession", "is_hidden", "updated_at"]
    search_fields = ["handle", "user__email", "user__full_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]

"""Back-office for thematic sheets: staff write them in Markdown, attach files and publish them."""

from django.contrib import admin

from .models import Sheet, SheetAttachment, SupportRequest


class SheetAttachmentInline(admin.TabularInline):
    model = SheetAttachment
    extra = 1


@admin.register(Sheet)
class SheetAdmin(admin.ModelAdmin):
    list_display = ("title", "theme", "is_published", "updated_at")
    list_filter = ("theme", "is_published")
    search_fields = ("title", "summary", "body")
    prepopulated_fields = {"slug": ("title",)}
    list_editable = ("is_published",)
    inlines = [SheetAttachmentInline]
    fieldsets = ((None, {"fields": ("title", "slug", "theme", "summary", "body", "order", "is_published")}),)


@admin.register(SupportRequest)
class SupportRequestAdmin(admin.ModelAdmin):
    """Requests exactly as the family sent them: read-only (the dossier is where advisors work)."""

    list_display = ("__str__", "origin", "arrival_horizon", "created_at")
    list_filter = ("arrival_horizon",)
    search_fields = ("first_name", "last_name", "email")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

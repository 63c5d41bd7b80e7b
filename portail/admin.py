"""Back-office for thematic sheets: staff write them in Markdown, attach files and publish them."""

from django.contrib import admin

from .models import Sheet, SheetAttachment


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

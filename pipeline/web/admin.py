"""Django's admin: the tree 上级党委 → 党支部, who belongs where, and the audit log (read only)."""

from django.contrib import admin

from pipeline.web.models import AuditEvent, Branch, Committee


class BranchInline(admin.TabularInline):
    model = Branch
    extra = 0
    fields = ["name"]
    show_change_link = True


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    filter_horizontal = ["reviewers"]
    inlines = [BranchInline]


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ["name", "committee"]
    list_filter = ["committee"]
    search_fields = ["name"]
    filter_horizontal = ["secretaries"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "branch", "version", "detail"]
    list_filter = ["action", "branch__committee"]
    search_fields = ["detail", "user__username", "branch__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

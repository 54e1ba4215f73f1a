from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path

from . import tasks
from .models import Reviewer, User


class ReviewerInline(admin.StackedInline):
    model = Reviewer
    can_delete = False
    fields = ("user_type", "affiliation", "role", "workplace", "group")


def confirm(user: User) -> bool:
    """Make a registered user a reviewer and tell them. Curators (GEL) keep their role."""
    reviewer = user.reviewer
    if reviewer.user_type != Reviewer.Types.EXTERNAL:
        return False
    reviewer.user_type = Reviewer.Types.REVIEWER
    reviewer.save(update_fields=["user_type"])
    transaction.on_commit(lambda: tasks.reviewer_confirmed_email.delay(user.pk))
    return True


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [ReviewerInline]
    list_display = ("username", "email", "first_name", "last_name", "user_type", "is_active", "is_staff")
    list_filter = ("reviewer__user_type", "is_active", "is_staff")
    list_select_related = ("reviewer",)
    actions = ["confirm_reviewers"]

    @admin.display(description="Role", ordering="reviewer__user_type")
    def user_type(self, user):
        return user.reviewer.user_type

    @admin.action(description="Confirm the selected users as reviewers")
    def confirm_reviewers(self, request, queryset):
        confirmed = sum(confirm(user) for user in queryset.select_related("reviewer"))
        self.message_user(request, f"{confirmed} reviewer(s) confirmed.", messages.SUCCESS)

    def get_urls(self):
        # The link in the "new reviewer request" email: one click from the curators' mailbox.
        custom = [
            path(
                "<id:user_id>/actions/confirm_reviewer/",
                self.admin_site.admin_view(self.confirm_reviewer_view),
                name="accounts_user_confirm_reviewer",
            )
        ]
        return custom + super().get_urls()

    def confirm_reviewer_view(self, request, user_id):
        """GET shows what the click would do; only a POST with the CSRF token confirms.

        The link arrives by email, and a GET that changed a role could be triggered from any page
        a logged-in curator visits (the session cookie is sent on top-level navigation).
        """
        if not self.has_change_permission(request):
            raise PermissionDenied
        user = get_object_or_404(User.objects.select_related("reviewer"), pk=user_id)
        if request.method != "POST":
            context = {
                **self.admin_site.each_context(request),
                "title": "Confirm reviewer",
                "candidate": user,
                "opts": self.model._meta,
            }
            return TemplateResponse(request, "admin/accounts/confirm_reviewer.html", context)
        if confirm(user):
            self.message_user(request, f"{user.username} is now a reviewer.", messages.SUCCESS)
        else:
            self.message_user(request, f"{user.username} is already {user.reviewer.user_type}.", messages.INFO)
        return redirect("admin:accounts_user_change", user_id)

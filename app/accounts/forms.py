from django import forms
from django.contrib.auth.forms import UserCreationForm

from .models import Reviewer, User


class RegistrationForm(UserCreationForm):
    """PanelApp registration: who you are and where you work, so curators can approve you."""

    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField()
    confirm_email = forms.EmailField(label="Confirm email")
    affiliation = forms.CharField(max_length=255, help_text="Your institution or company.")
    role = forms.ChoiceField(choices=Reviewer.Roles.choices)
    workplace = forms.ChoiceField(choices=Reviewer.Workplaces.choices)
    group = forms.ChoiceField(choices=Reviewer.Groups.choices)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email")

    field_order = [
        "username",
        "first_name",
        "last_name",
        "email",
        "confirm_email",
        "password1",
        "password2",
        "affiliation",
        "role",
        "workplace",
        "group",
    ]

    def clean_email(self):
        # An address already registered is not an error shown here: that would tell anyone who
        # has an account. The view answers as for a new registration and emails the owner.
        email = self.cleaned_data["email"].strip().lower()
        self.email_taken = User.objects.filter(email__iexact=email).exists()
        return email

    def validate_unique(self):
        # The model's own unique check would say "already exists" about the email (see clean_email).
        # BaseModelForm.validate_unique's own two steps; django-stubs leaves these helpers out.
        exclude = self._get_validation_exclusions()  # type: ignore[attr-defined]
        exclude.add("email")
        try:
            self.instance.validate_unique(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)  # type: ignore[attr-defined]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        email, confirm = cleaned.get("email"), (cleaned.get("confirm_email") or "").strip().lower()
        if email and confirm and email != confirm:
            self.add_error("confirm_email", "The two email addresses differ.")
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        user.email = self.cleaned_data["email"]
        user.is_active = False  # until the email address is confirmed
        user.save()
        reviewer = user.reviewer
        reviewer.affiliation = self.cleaned_data["affiliation"]
        reviewer.role = self.cleaned_data["role"]
        reviewer.workplace = self.cleaned_data["workplace"]
        reviewer.group = self.cleaned_data["group"]
        reviewer.save()
        return user

"""Users and their reviewer profile.

PanelApp distinguishes three kinds of registered people through ``Reviewer.user_type``:
curators (``GEL``, may change panels), approved reviewers (``REVIEWER``, may review and suggest
entities) and everyone else who registered (``EXTERNAL``, read-only plus an API token).
"""

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """PanelApp's user; PanelApp looks users up by email (Cognito login, registration)."""

    # Nullable where AbstractUser's is not: unique addresses, and a user without one stores NULL.
    email = models.EmailField("email address", unique=True, blank=True, null=True)  # type: ignore[assignment]
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    def display_name(self) -> str:
        """The name shown in activity text: the full name, or the username when blank."""
        return self.get_full_name().strip() or self.username

    def reviewer_label(self) -> str:
        """``Full Name (Affiliation)``, the form used in promotion comments."""
        affiliation = getattr(getattr(self, "reviewer", None), "affiliation", "")
        return f"{self.display_name()} ({affiliation})" if affiliation else self.display_name()


class Reviewer(models.Model):
    """The reviewer profile every user has (created with the user, see accounts.signals)."""

    class Types(models.TextChoices):
        GEL = "GEL", "Genomics England curator"
        REVIEWER = "REVIEWER", "Reviewer"
        EXTERNAL = "EXTERNAL", "External"

    class Workplaces(models.TextChoices):
        RESEARCH_LAB = "Research lab"
        NHS_LAB = "NHS diagnostic lab"
        PRIVATE_LAB = "Other diagnostic lab"
        NHS_CLINIC = "NHS clinical service"
        OTHER_CLINIC = "Other clinical service"
        INDUSTRY = "Industry"
        OTHER = "Other"

    class Roles(models.TextChoices):
        CLINICAL_SCIENTIST = "Clinical Scientist"
        CLINICIAN = "Clinician"
        GENOME_ANALYST = "Genome analyst"
        GENETIC_COUNSELLOR = "Genetic Counsellor"
        BIOINFORMATICIAN = "Bioinformatician"
        INDUSTRY = "Industry"
        LAB_DIRECTOR = "Lab director"
        PRINCIPAL_INVESTIGATOR = "Principal Investigator"
        TECHNICIAN = "Technician"
        RESEARCHER = "Researcher"
        STUDENT = "Student"
        OTHER = "Other"

    class Groups(models.TextChoices):
        GECIP = "GeCIP domain"
        GENE_CONSORTIUM = "GENE consortium member"
        NHS_GMC = "NHS Genomic Medicine Centre"
        NHS_OTHER = "Other NHS organisation"
        BIOTECH = "Other biotech or pharmaceutical"
        OTHER = "Other"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="reviewer")
    user_type = models.CharField(max_length=10, choices=Types.choices, default=Types.EXTERNAL)
    affiliation = models.CharField(max_length=255, blank=True, default="")
    workplace = models.CharField(max_length=64, choices=Workplaces.choices, default=Workplaces.OTHER)
    role = models.CharField(max_length=64, choices=Roles.choices, default=Roles.OTHER)
    group = models.CharField(max_length=64, choices=Groups.choices, default=Groups.OTHER)

    def __str__(self) -> str:
        return f"{self.user.username} ({self.user_type})"

    def is_gel(self) -> bool:
        return self.user_type == self.Types.GEL

    def is_verified(self) -> bool:
        """Approved reviewers and curators may review entities and suggest new ones."""
        return self.user_type in (self.Types.GEL, self.Types.REVIEWER)

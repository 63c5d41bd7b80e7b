"""A fictional household with everything a dossier can hold (spouse candidate, consent, CV file, notes)."""

from django.core.files.base import ContentFile
from django.utils import timezone

from accompagnement import models as acc
from accompagnement.enums import InteractionKind, Need
from portail.models import SupportRequest

CV_BYTES = b"%PDF-1.4\n% CV fictif de Camille Martin, comptable\n%%EOF\n"
NOTE_TEXT = "Camille cherche un poste de comptable, enfant asthmatique suivi au CHU"


def full_household(advisor=None, hr=None, reference=None):
    from emploi_conjoint.models import Candidate, Consent, CVVersion

    request = SupportRequest.objects.create(
        first_name="Camille",
        last_name="Martin",
        email="camille.martin@example.org",
        origin="Lyon",
        arrival_horizon="3m",
        needs=[Need.SCHOOL],
        message=NOTE_TEXT,
        consent_text_version="2026-01",
    )
    household = acc.Household.objects.create(
        reference=reference or "",
        email="camille.martin@example.org",
        phone="06 00 00 00 00",
        origin="Lyon",
        advisor=advisor,
        support_request=request,
        consent_text_version="2026-01",
        consent_given_at=timezone.now(),
    )
    spouse = acc.Adult.objects.create(
        household=household, first_name="Dominique", last_name="Martin", is_spouse_seeking_job=True
    )
    acc.Adult.objects.create(household=household, first_name="Camille", last_name="Martin")
    acc.Child.objects.create(household=household, first_name="Léa", birth_year=timezone.localdate().year - 7)
    acc.HouseholdNeed.objects.create(household=household, kind=Need.SCHOOL, note=NOTE_TEXT)
    acc.Interaction.objects.create(household=household, kind=InteractionKind.CALL, text=NOTE_TEXT)
    candidate = Candidate.objects.create(adult=spouse, hr_specialist=hr, constraints=NOTE_TEXT)
    Consent.objects.create(candidate=candidate, text_version="cv-2026-01")
    cv = CVVersion(
        candidate=candidate, original_name="CV Dominique Martin.pdf", file_kind="pdf", size=len(CV_BYTES)
    )
    cv.file.save("cv.pdf", ContentFile(CV_BYTES), save=False)
    cv.save()
    return household, candidate, cv

"""Every staff URL, for every role and for a colleague's object: the expected answer is in the tables below.

URLs are discovered from the URL resolver: a staff URL (anything under /admin/) that has no row here
makes the test fail, so a new page cannot ship without someone deciding who may open it.

Answers: ``200`` page shown, ``login`` redirected to the login page, ``403`` refused, ``404`` no such
object for this person, ``405`` allowed but only by POST (the GET proves the role check passed),
``302`` redirected elsewhere (for instance to the dossier after an action).
"""

import datetime
import warnings

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accompagnement import models as acc
from accompagnement.enums import Need
from communes.models import TerritoryUpload
from emploi_conjoint import stages
from emploi_conjoint.enums import ContractType
from emploi_conjoint.models import Candidate, Consent, CVVersion, Introduction, Opportunity
from employeurs.models import Referral
from espace_famille.models import Message as FamilyMessage
from evenements.models import Event, Registration
from osez import audit
from osez.models import AccessLog, JobRun
from osez.roles import ADMIN, ADVISOR, HR, MARKETING, TEAM_LEAD
from partenaires.models import Organisation
from portail.models import SupportRequest
from tests.factories import (
    CommuneFactory,
    CommuneIndicatorFactory,
    LayerFactory,
    PlaceFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "advisor", "hr", "marketing", "lead", "admin")
ROLE_GROUPS = {
    "advisor": [ADVISOR],
    "hr": [HR],
    "marketing": [MARKETING],
    "lead": [TEAM_LEAD],
    "admin": [ADMIN],
}

# --- Purpose-built staff pages ----------------------------------------------------------------------
# "own …" objects belong to the advisor / HR specialist logged in; "colleague …" to another advisor (or
# another HR specialist). Both dossiers have a spouse-job need, so HR specialists see their summary page.
# url name                            | object            | anon  | advisor | hr | marketing | lead | admin
STAFF_PAGES = """
accompagnement:home                   |                   | login | 200  | 200 | 302 | 200 | 200
accompagnement:tasks                  |                   | login | 200  | 403 | 403 | 200 | 200
accompagnement:figures                |                   | login | 200  | 403 | 200 | 200 | 200
accompagnement:figures-csv            |                   | login | 200  | 403 | 200 | 200 | 200
accompagnement:marketing              |                   | login | 200  | 403 | 200 | 200 | 200
accompagnement:marketing-csv          |                   | login | 200  | 403 | 200 | 200 | 200
accompagnement:dossier                | own dossier       | login | 200  | 200 | 403 | 200 | 200
accompagnement:dossier                | colleague dossier | login | 403  | 200 | 403 | 200 | 200
accompagnement:dossier-edit           | own dossier       | login | 200  | 403 | 403 | 200 | 200
accompagnement:team                   |                   | login | 403  | 403 | 403 | 200 | 200
accompagnement:welcome-pack-pdf       | own dossier       | login | 200  | 403 | 403 | 200 | 200
accompagnement:welcome-pack-pdf       | colleague dossier | login | 403  | 403 | 403 | 200 | 200
accompagnement:send-letter            | own dossier       | login | 200  | 403 | 403 | 200 | 200
accompagnement:send-letter            | colleague dossier | login | 403  | 403 | 403 | 200 | 200
accompagnement:intake                 |                   | login | 200  | 403 | 403 | 200 | 200
accompagnement:cohorts                |                   | login | 200  | 403 | 403 | 200 | 200
accompagnement:cohort                 | cohort            | login | 200  | 403 | 403 | 200 | 200
accompagnement:cohort-csv             | cohort            | login | 200  | 403 | 403 | 200 | 200
accompagnement:cohort-import          | cohort            | login | 200  | 403 | 403 | 200 | 200
accompagnement:merge                  | own dossier       | login | 302  | 403 | 403 | 302 | 302
accompagnement:merge                  | colleague dossier | login | 403  | 403 | 403 | 302 | 302
accompagnement:task-edit              | own task          | login | 200  | 403 | 403 | 200 | 200
accompagnement:task-edit              | colleague task    | login | 403  | 403 | 403 | 200 | 200
accompagnement:interaction-edit       | own note          | login | 200  | 403 | 403 | 403 | 403
accompagnement:interaction-edit       | colleague note    | login | 403  | 403 | 403 | 403 | 403
accompagnement:dossier-edit           | colleague dossier | login | 403  | 403 | 403 | 200 | 200
accompagnement:welcome-pack           | own dossier       | login | 200  | 403 | 403 | 200 | 200
accompagnement:welcome-pack           | colleague dossier | login | 403  | 403 | 403 | 200 | 200
accompagnement:dossier-transition     | colleague dossier | login | 403  | 403 | 403 | ok  | ok
accompagnement:dossier-take           | own dossier       | login | ok   | 403 | 403 | ok  | ok
accompagnement:need-add               | colleague dossier | login | 403  | 403 | 403 | ok  | ok
accompagnement:need-update            | colleague need    | login | 403  | 403 | 403 | ok  | ok
accompagnement:interaction-add        | colleague dossier | login | 403  | 403 | 403 | ok  | ok
accompagnement:task-add               | colleague dossier | login | 403  | 403 | 403 | ok  | ok
accompagnement:task-done              | colleague task    | login | 403  | 403 | 403 | ok  | ok
accompagnement:pin                    | colleague dossier | login | 403  | 403 | 403 | ok  | ok
accompagnement:unpin                  | colleague pin     | login | 403  | 403 | 403 | ok  | ok
emploi_conjoint:board                 |                   | login | 302  | 200 | 302 | 302 | 200
emploi_conjoint:candidate-create      |                   | login | 403  | 200 | 403 | 403 | 200
emploi_conjoint:open-from-need        | spouse need       | login | 403  | 302 | 403 | 403 | 302
emploi_conjoint:candidate             | own candidate     | login | 403  | 200 | 403 | 403 | 200
emploi_conjoint:candidate             | colleague candidate | login | 403 | 200 | 403 | 403 | 200
emploi_conjoint:candidate-edit        | own candidate     | login | 403  | 200 | 403 | 403 | 200
emploi_conjoint:candidate-move        | own candidate     | login | 403  | ok  | 403 | 403 | ok
emploi_conjoint:consent               | own candidate     | login | 403  | 200 | 403 | 403 | 200
emploi_conjoint:consent-withdraw      | own candidate     | login | 403  | ok  | 403 | 403 | ok
emploi_conjoint:cv-list               | own candidate     | login | 403  | 200 | 403 | 403 | 200
emploi_conjoint:cv-download           | own cv            | login | 403  | 200 | 403 | 403 | 200
emploi_conjoint:cv-download           | colleague cv      | login | 403  | 200 | 403 | 403 | 200
emploi_conjoint:introduction-create   | own candidate     | login | 403  | 200 | 403 | 403 | 200
emploi_conjoint:introduction-update   | introduction      | login | 403  | 200 | 403 | 403 | 200
emploi_conjoint:follow-ups            |                   | login | 403  | 200 | 403 | 403 | 200
emploi_conjoint:opportunities         |                   | login | 403  | 200 | 403 | 403 | 200
emploi_conjoint:opportunity-create    |                   | login | 403  | 200 | 403 | 403 | 200
emploi_conjoint:opportunity           | opportunity       | login | 403  | 200 | 403 | 403 | 200
emploi_conjoint:opportunity-edit      | opportunity       | login | 403  | 200 | 403 | 403 | 200
emploi_conjoint:organisations         |                   | login | 301  | 301 | 403 | 301 | 301
emploi_conjoint:organisation-create   |                   | login | 301  | 301 | 403 | 301 | 301
emploi_conjoint:organisation-import   |                   | login | 301  | 301 | 403 | 301 | 301
emploi_conjoint:organisation-import-template |            | login | 301  | 301 | 403 | 301 | 301
partenaires:organisations             |                   | login | 200  | 200 | 403 | 200 | 200
partenaires:organisation              | organisation      | login | 200  | 200 | 403 | 200 | 200
partenaires:organisation-create       |                   | login | 200  | 200 | 403 | 200 | 200
partenaires:organisation-import       |                   | login | 200  | 200 | 403 | 200 | 200
partenaires:organisation-import-template |                | login | 200  | 200 | 403 | 200 | 200
employeurs_staff:account-create       | organisation      | login | ok   | 403 | 403 | ok  | ok
employeurs_staff:withdraw-sharing     | colleague referral | login | 403 | 403 | 403 | ok  | ok
emploi_conjoint:figures               |                   | login | 403  | 200 | 200 | 200 | 200
emploi_conjoint:figures-csv           |                   | login | 403  | 200 | 200 | 200 | 200
emploi_conjoint:followed              |                   | login | 200  | 200 | 403 | 200 | 200
espace_famille_staff:figures          |                   | login | 200  | 403 | 200 | 200 | 200
evenements_staff:events               |                   | login | 200  | 403 | 200 | 200 | 200
evenements_staff:attendees            | event             | login | 200  | 403 | 403 | 200 | 200
evenements_staff:check-in             | event             | login | 200  | 403 | 403 | 200 | 200
evenements_staff:figures              | event             | login | 200  | 403 | 200 | 200 | 200
evenements_staff:cancel               | event             | login | ok   | 403 | 403 | ok  | ok
evenements_staff:dossier              | event sign-up     | login | 200  | 403 | 403 | 200 | 200
espace_famille_staff:reply            | colleague dossier | login | 403  | 403 | 403 | ok  | ok
espace_famille_staff:attachment       | colleague message | login | 403  | 403 | 403 | 302 | 302
admin:index                           |                   | login | 200  | 200 | 200 | 200 | 200
admin:app_list                        | app               | login | 200  | 200 | 302 | 200 | 200
admin:login                           |                   | 200   | 302  | 302 | 302 | 302 | 302
admin:logout                          |                   | 302   | 405  | 405 | 405 | 405 | 405
admin:password_change                 |                   | login | 200  | 200 | 200 | 200 | 200
admin:password_change_done            |                   | login | 200  | 200 | 200 | 200 | 200
admin:jsi18n                          |                   | login | 200  | 200 | 200 | 200 | 200
admin:autocomplete                    |                   | login | 403  | 403 | 403 | 403 | 403
admin:auth_user_password_change       | advisor account   | login | 403  | 403 | 403 | 403 | 200
admin:osez-otp-verify                 |                   | login | 302  | 302 | 302 | 302 | 200
admin:osez-otp-setup                  |                   | login | 200  | 200 | 200 | 200 | 302
admin:osez-rights                     |                   | login | 403  | 403 | 403 | 200 | 200
admin:osez-rights-export              | own dossier       | login | 403  | 403 | 403 | 200 | 200
admin:osez-rights-erase               | own dossier       | login | 403  | 403 | 403 | 200 | 200
admin:otp_totp_totpdevice_config      | device            | login | 403  | 403 | 403 | 403 | 200
admin:otp_totp_totpdevice_qrcode      | device            | login | 403  | 403 | 403 | 403 | 200
admin:communes_territoryupload_upload |                   | login | 200  | 403 | 403 | 403 | 200
admin:communes_territoryupload_preview | upload           | login | 200  | 403 | 200 | 200 | 200
admin:communes_territoryupload_publish | upload           | login | 302  | 403 | 403 | 403 | 302
"""
# Rows answered by POST (the view refuses GET with 405 before any role check): "ok" means the role is
# let through (the page redirects or re-shows the form with its errors), never a refusal or an error.
POST_ONLY = {
    "accompagnement:dossier-transition",
    "accompagnement:dossier-take",
    "accompagnement:need-add",
    "accompagnement:need-update",
    "accompagnement:interaction-add",
    "accompagnement:task-add",
    "accompagnement:task-done",
    "accompagnement:pin",
    "accompagnement:unpin",
    "emploi_conjoint:candidate-move",
    "emploi_conjoint:consent-withdraw",
    "espace_famille_staff:reply",
    "evenements_staff:cancel",
    "employeurs_staff:account-create",
    "employeurs_staff:withdraw-sharing",
}

# --- Django admin, one row per registered model -----------------------------------------------------
# Rights per role: v = view (list, page, history), a = add, c = change, d = delete, - = nothing.
# The admin role holds every Django permission (osez.roles.ensure_groups); sheets are written by advisors,
# team leads and marketing.
# model                        | sample        | advisor | hr | marketing | lead | admin
ADMIN_MODELS = """
auth.group                    | -             | -    | -  | -  | -    | va
auth.user                     | advisor       | -    | -  | -  | -    | vacd
axes.accessattempt            | -             | -    | -  | -  | -    | v
axes.accesslog                | -             | -    | -  | -  | -    | v
axes.accessfailurelog         | -             | -    | -  | -  | -    | v
otp_totp.totpdevice           | device        | -    | -  | -  | -    | vacd
otp_static.staticdevice       | -             | -    | -  | -  | -    | va
auditlog.logentry             | -             | -    | -  | -  | -    | v
osez.accesslog                | access log    | -    | -  | -  | -    | v
osez.jobrun                   | job run       | -    | -  | -  | -    | v
communes.source               | source        | v    | -  | v  | v    | v
communes.importrecord         | -             | v    | -  | v  | v    | v
communes.layer                | layer         | v    | -  | v  | v    | v
communes.commune              | commune       | v    | -  | v  | v    | v
communes.place                | place         | v    | -  | v  | v    | v
communes.placeannotation      | -             | vac  | -  | v  | v    | vac
communes.territoryupload      | upload        | v    | -  | v  | v    | v
communes.indicator            | indicator     | v    | -  | v  | v    | v
communes.communeindicator     | figure        | v    | -  | v  | v    | v
accompagnement.household      | own dossier   | vac  | -  | -  | vac  | vacd
partenaires.organisation      | organisation  | vac  | vac | - | vac  | vacd
accompagnement.task           | own task      | vac  | -  | -  | vac  | vacd
accompagnement.advisorprofile | -             | -    | -  | -  | -    | vacd
emploi_conjoint.candidate     | own candidate | -    | -  | -  | -    | vacd
emploi_conjoint.opportunity   | opportunity   | -    | -  | -  | -    | vacd
emploi_conjoint.introduction  | introduction  | -    | -  | -  | -    | vacd
espace_famille.checklistitem  | -             | vac  | -  | -  | vacd | vacd
evenements.event              | event         | vac  | -  | -  | vac  | vacd
portail.sheet                 | -             | va   | -  | va | va   | va
portail.supportrequest        | request       | -    | -  | -  | -    | vcd
"""


def _parse(table, width):
    rows = []
    for line in table.strip().splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        assert len(cells) == width, f"malformed row: {line}"
        rows.append(cells)
    return rows


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name


# Admin URLs that are generic machinery, not pages about personal data: the catch-all that redirects
# unknown admin paths, the object-id catch-all redirecting old URLs, "view on site", and the model
# pages generated per registered model (covered by ADMIN_MODELS, row by row).
MODEL_URL_SUFFIXES = ("_changelist", "_add", "_change", "_delete", "_history")


def discovered_staff_urls():
    """(route, name) of every URL under /admin/, except the per-model pages of the admin."""
    model_pages = {
        f"admin:{model._meta.app_label}_{model._meta.model_name}{suffix}"
        for model in admin.site._registry
        for suffix in MODEL_URL_SUFFIXES
    }
    found = set()
    for route, name in _walk(get_resolver().url_patterns):
        if not route.startswith("admin/"):
            continue
        if name is None or name in ("admin:None", "admin:view_on_site"):
            continue  # unnamed catch-alls redirect to a named page that is checked itself
        if name in model_pages:
            continue
        found.add(name)
    return found


@pytest.fixture
def world(client, settings):
    users = {
        role: UserFactory(username=f"matrix-{role}", roles=groups) for role, groups in ROLE_GROUPS.items()
    }
    colleague = UserFactory(username="matrix-colleague", roles=[ADVISOR])
    other_hr = UserFactory(username="matrix-other-hr", roles=[HR])
    commune = CommuneFactory()
    place = PlaceFactory(commune=commune)

    def dossier(advisor, name):
        household = acc.Household.objects.create(email=f"{name}@example.org", origin="Lyon", advisor=advisor)
        adult = acc.Adult.objects.create(household=household, first_name=name, last_name="Fictif")
        need = acc.HouseholdNeed.objects.create(household=household, kind=Need.SPOUSE_JOB)
        task = acc.Task.objects.create(household=household, title="Rappeler", due_date=timezone.localdate())
        pin = acc.PinnedPlace.objects.create(household=household, place=place)
        return household, adult, need, task, pin

    own, own_adult, own_need, own_task, own_pin = dossier(users["advisor"], "Camille")
    other, other_adult, other_need, other_task, other_pin = dossier(colleague, "Dominique")
    own_note = acc.Interaction.objects.create(household=own, text="Appel", author=users["advisor"])
    other_note = acc.Interaction.objects.create(household=other, text="Appel", author=colleague)
    # Through the service, as the pages do: it writes the first line of the timeline.
    candidate = stages.open_candidate(
        Candidate(adult=own_adult, hr_specialist=users["hr"], home_commune=commune)
    )
    Consent.objects.create(candidate=candidate, text_version="1")
    cv = CVVersion(candidate=candidate, original_name="cv.pdf", file_kind="pdf", size=9)
    cv.file.save("cv.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    cv.save()
    other_candidate = stages.open_candidate(
        Candidate(adult=other_adult, hr_specialist=other_hr, home_commune=commune)
    )
    other_cv = CVVersion(candidate=other_candidate, original_name="cv2.pdf", file_kind="pdf", size=9)
    other_cv.file.save("cv2.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    other_cv.save()
    organisation = Organisation.objects.create(name="Entreprise fictive", commune=commune)
    opportunity = Opportunity.objects.create(
        title="Comptable", organisation=organisation, commune=commune, contract_type=ContractType.CDI
    )
    introduction = Introduction.objects.create(candidate=candidate, organisation=organisation)
    # A recruit an employer referred, on the colleague's dossier, sharing their stage.
    colleague_referral = Referral.objects.create(
        organisation=organisation, household=other, recruit_name="Dominique Fictif", consent_contact=True,
        consent_share_stage=True, consented_at=timezone.now(),
    )  # fmt: skip
    layer = LayerFactory(slug="medecins-nouveaux-patients", name="Médecins acceptant de nouveaux patients")
    source = SourceFactory(slug="territoire-medecins", name="Ordre des médecins")
    upload = TerritoryUpload.objects.create(
        layer=layer,
        source=source,
        provider="Ordre des médecins",
        data_date=datetime.date(2026, 10, 1),
        file_name="medecins.csv",
        checksum="0" * 64,
        uploaded_by=users["advisor"],
    )
    request = SupportRequest.objects.create(
        first_name="Alex", last_name="Fictif", email="alex@example.org", origin="Reims",
        arrival_horizon="later", consent_text_version="1",
    )  # fmt: skip
    family_message = FamilyMessage.objects.create(household=other, author="famille", text="Bonjour")
    event = Event.objects.create(
        title_fr="Soirée d'accueil (fictive)", starts_at=timezone.now() + datetime.timedelta(days=7),
        place_name="Salle fictive", capacity=20, status="publie",
    )  # fmt: skip
    sign_up = Registration.objects.create(
        event=event, name="Alex Fictif", email="alex@example.org", consent_text_version="evenement-1"
    )
    device = TOTPDevice.objects.create(user=users["admin"], name="téléphone", confirmed=True)
    log_entry = AccessLog.objects.create(action=audit.Action.VIEW, object_repr="OSZ-TEST")
    job = JobRun.objects.create(name="osez.apply_retention", started_at=timezone.now())
    kwargs = {
        "": {},
        "own dossier": {"pk": own.pk},
        "colleague dossier": {"pk": other.pk},
        "own need": {"pk": own.pk, "need_pk": own_need.pk},
        "colleague need": {"pk": other.pk, "need_pk": other_need.pk},
        "spouse need": {"need_pk": own_need.pk},
        "own task": {"pk": own.pk, "task_pk": own_task.pk},
        "colleague task": {"pk": other.pk, "task_pk": other_task.pk},
        "own pin": {"pk": own.pk, "pin_pk": own_pin.pk},
        "own note": {"pk": own.pk, "interaction_pk": own_note.pk},
        "colleague note": {"pk": other.pk, "interaction_pk": other_note.pk},
        "colleague pin": {"pk": other.pk, "pin_pk": other_pin.pk},
        "own candidate": {"pk": candidate.pk},
        "colleague candidate": {"pk": other_candidate.pk},
        "own cv": {"pk": cv.pk},
        "colleague cv": {"pk": other_cv.pk},
        "introduction": {"pk": introduction.pk},
        "opportunity": {"pk": opportunity.pk},
        "organisation": {"pk": organisation.pk},
        "colleague referral": {"pk": colleague_referral.pk},
        "cohort": {"pk": acc.Cohort.objects.create(name="Groupe fictif", organisation=organisation).pk},
        "upload": {"pk": upload.pk},
        "device": {"pk": device.pk},
        "app": {"app_label": "accompagnement"},
        "advisor account": {"id": users["advisor"].pk},
        "colleague message": {"pk": family_message.pk},
        "event": {"pk": event.pk},
        "event sign-up": {"pk": event.pk, "registration_pk": sign_up.pk},
    }
    figure = CommuneIndicatorFactory(
        commune=commune, value=None
    )  # a withheld figure: its admin must not fail
    samples = {
        "own dossier": own,
        "own task": own_task,
        "organisation": organisation,
        "own candidate": candidate,
        "opportunity": opportunity,
        "introduction": introduction,
        "request": request,
        "upload": upload,
        "device": device,
        "access log": log_entry,
        "job run": job,
        "place": place,
        "commune": commune,
        "layer": layer,
        "source": source,
        "advisor": users["advisor"],
        "indicator": figure.indicator,
        "figure": figure,
        "event": event,
    }
    return {"users": users, "kwargs": kwargs, "samples": samples}


def answer(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    if response.status_code == 302 and response["Location"].startswith("/admin/login/"):
        return "login"
    return str(response.status_code)


def staff_expectations():
    """(url name, object key, {role: expected}) for every row of STAFF_PAGES."""
    rows = []
    for name, key, *cells in _parse(STAFF_PAGES, 2 + len(ROLES)):
        rows.append((name, key, dict(zip(ROLES, cells, strict=True))))
    return rows


def admin_model_expectations():
    """(model label, sample key, {role: rights}) for every row of ADMIN_MODELS."""
    return [
        (label, sample, dict(zip(ROLES[1:], cells, strict=True)))
        for label, sample, *cells in _parse(ADMIN_MODELS, 2 + len(ROLES) - 1)
    ]


def test_every_staff_url_has_a_row_in_the_matrix():
    in_matrix = {name for name, _key, _expected in staff_expectations()}
    missing = discovered_staff_urls() - in_matrix
    assert not missing, f"staff URLs with no row in STAFF_PAGES (decide who may open them): {sorted(missing)}"
    stale = in_matrix - discovered_staff_urls()
    if stale:
        # A page that went away is no risk; its row is skipped below and only flagged here.
        warnings.warn(f"rows for URLs that no longer exist (remove them): {sorted(stale)}", stacklevel=1)


def test_every_admin_model_has_a_row_in_the_matrix():
    registered = {model._meta.label_lower for model in admin.site._registry}
    in_matrix = {label for label, _sample, _rights in admin_model_expectations()}
    assert registered - in_matrix == set(), (
        f"admin models with no row in ADMIN_MODELS: {registered - in_matrix}"
    )
    assert in_matrix - registered == set(), (
        f"rows for models no longer in the admin: {in_matrix - registered}"
    )


def _answer(client, url, post=False):
    response = client.post(url, {}) if post else client.get(url)
    if response.status_code == 302 and response["Location"].startswith("/admin/login/"):
        return "login"
    return str(response.status_code)


def _login(client, world, role):
    if role != "anonymous":
        client.force_login(world["users"][role])


@pytest.mark.parametrize("role", ROLES)
def test_staff_pages_answer_each_role_as_the_matrix_says(client, world, role):
    _login(client, world, role)
    wrong = []
    existing = discovered_staff_urls()
    for name, key, expected_by_role in staff_expectations():
        if name not in existing:
            continue
        expected = expected_by_role[role]
        url = reverse(name, kwargs=world["kwargs"][key])
        got = _answer(client, url, post=name in POST_ONLY)
        # "ok": redirected back, or the form shown again with its errors (400 for a bad POST).
        ok = got in ("200", "302", "400") if expected == "ok" else got == expected
        if not ok:
            wrong.append(f"{name} [{key or '-'}]: expected {expected}, got {got}")
    assert not wrong, f"{role}: " + "; ".join(wrong)


ADMIN_PAGE_RIGHTS = {"changelist": "vc", "add": "a", "change": "vc", "history": "vc", "delete": "d"}


@pytest.mark.parametrize("role", ROLES[1:])
def test_admin_model_pages_answer_each_role_as_the_matrix_says(client, world, role):
    _login(client, world, role)
    wrong = []
    for label, sample_key, rights_by_role in admin_model_expectations():
        rights = rights_by_role[role]
        app_label, model_name = label.split(".")
        pages = ["changelist", "add"]
        if sample_key != "-":
            pages += ["change", "history", "delete"]
        for page in pages:
            args = [world["samples"][sample_key].pk] if page in ("change", "history", "delete") else []
            url = reverse(f"admin:{app_label}_{model_name}_{page}", args=args)
            allowed = any(letter in rights for letter in ADMIN_PAGE_RIGHTS[page])
            got = _answer(client, url)
            if got != ("200" if allowed else "403"):
                wrong.append(f"{label} {page}: expected {'200' if allowed else '403'}, got {got}")
    assert not wrong, f"{role}: " + "; ".join(wrong)


@pytest.mark.parametrize("label", ["accompagnement.household", "emploi_conjoint.candidate", "osez.accesslog"])
def test_anonymous_is_sent_to_login_from_admin_model_pages(client, label):
    app_label, model_name = label.split(".")
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    assert _answer(client, url) == "login"


def test_advisor_cannot_read_a_colleague_dossier(client, world):
    client.force_login(world["users"]["advisor"])
    url = reverse("accompagnement:dossier", kwargs=world["kwargs"]["colleague dossier"])
    assert _answer(client, url) in ("403", "404")


# --- Admin add and change forms with a colleague's object chosen --------------------------------------


def _colleague_dossier(world):
    return acc.Household.objects.get(advisor__username="matrix-colleague")


def test_admin_task_add_with_a_colleague_dossier_is_refused_in_words(client, world):
    client.force_login(world["users"]["advisor"])
    other = _colleague_dossier(world)
    before = acc.Task.objects.filter(household=other).count()
    response = client.post(
        reverse("admin:accompagnement_task_add"),
        {"household": other.pk, "title": "Écrit chez une collègue", "kind": "autre",
         "due_date": timezone.localdate().isoformat()},
    )  # fmt: skip
    assert response.status_code == 200
    assert "suivi par un·e collègue" in response.content.decode()
    assert "Écrit chez une collègue" in response.content.decode()  # what was typed is kept
    assert acc.Task.objects.filter(household=other).count() == before


def test_admin_task_add_on_own_dossier_works(client, world):
    client.force_login(world["users"]["advisor"])
    own = acc.Household.objects.get(advisor=world["users"]["advisor"])
    response = client.post(
        reverse("admin:accompagnement_task_add"),
        {"household": own.pk, "title": "Rappeler la mairie", "kind": "autre",
         "due_date": timezone.localdate().isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    assert own.tasks.filter(title="Rappeler la mairie").exists()


def test_admin_task_list_and_pages_show_only_what_the_advisor_may_see(client, world):
    client.force_login(world["users"]["advisor"])
    other = _colleague_dossier(world)
    listing = client.get(reverse("admin:accompagnement_task_changelist")).content.decode()
    assert other.reference not in listing
    assert world["samples"]["own task"].household.reference in listing
    colleague_task = other.tasks.get()
    for page in ("change", "history", "delete"):
        response = client.get(reverse(f"admin:accompagnement_task_{page}", args=[colleague_task.pk]))
        assert response.status_code in (302, 403, 404), page  # never the colleague's task itself
        assert "Rappeler" not in response.content.decode() or response.status_code == 302
    # The team lead still sees the whole team's tasks.
    client.force_login(world["users"]["lead"])
    assert other.reference in client.get(reverse("admin:accompagnement_task_changelist")).content.decode()


def test_admin_advisor_field_follows_the_dossier_page_rule(client, world):
    advisor = world["users"]["advisor"]
    own = acc.Household.objects.get(advisor=advisor)
    colleague = acc.Household.objects.get(advisor__username="matrix-colleague").advisor
    client.force_login(advisor)
    url = reverse("admin:accompagnement_household_change", args=[own.pk])
    page = client.get(url).content.decode()
    assert "Seul·e un·e responsable d'équipe peut réattribuer un dossier" in page.replace("&#x27;", "'")
    data = {"reference": own.reference, "email": own.email, "origin": "Lyon", "channel": "",
            "advisor": colleague.pk, "version": own.version}  # fmt: skip
    for prefix in ("adults", "children", "needs", "tasks", "interactions", "pinned_places", "transitions"):
        data[f"{prefix}-TOTAL_FORMS"] = 0
        data[f"{prefix}-INITIAL_FORMS"] = 0
    client.post(url, data)
    own.refresh_from_db()
    assert own.advisor == advisor  # the advisor's POST did not hand the dossier to a colleague
    # A team lead reassigns from the same form.
    client.force_login(world["users"]["lead"])
    data["version"] = own.version
    assert client.post(url, data).status_code == 302
    own.refresh_from_db()
    assert own.advisor == colleague


def test_admin_household_added_by_an_advisor_is_theirs(client, world):
    advisor = world["users"]["advisor"]
    client.force_login(advisor)
    data = {"reference": "", "email": "nouvelle@example.org", "origin": "Nantes", "channel": "",
            "advisor": _colleague_dossier(world).advisor_id}  # fmt: skip
    for prefix in ("adults", "children", "needs", "tasks", "interactions", "pinned_places", "transitions"):
        data[f"{prefix}-TOTAL_FORMS"] = 0
        data[f"{prefix}-INITIAL_FORMS"] = 0
    assert client.post(reverse("admin:accompagnement_household_add"), data).status_code == 302
    assert acc.Household.objects.get(email="nouvelle@example.org").advisor == advisor


def test_a_refused_dossier_says_why_and_who_can_help_in_french(client, world):
    lead = world["users"]["lead"]
    lead.first_name, lead.last_name = "Responsable", "Fictive"
    lead.save()
    client.force_login(world["users"]["advisor"])
    response = client.get(reverse("accompagnement:dossier", kwargs=world["kwargs"]["colleague dossier"]))
    page = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 403
    assert "Vous n’avez pas accès à cette page" in page
    assert "est suivi par" in page and "Responsable Fictive" in page
    assert "Qui peut vous aider" in page
    assert "Forbidden" not in page


@pytest.mark.parametrize(
    "url",
    [
        "/admin/otp_totp/totpdevice/999999/config/",
        "/admin/otp_totp/totpdevice/999999/qrcode/",
        "/admin/accompagnement/household/999999/change/",
        "/admin/accompagnement/task/abc/change/",
        "/admin/accompagnement/task/add/?household=abc",
    ],
)
@pytest.mark.parametrize("role", ["advisor", "lead", "admin"])
def test_admin_urls_with_unknown_ids_never_answer_500(client, world, role, url):
    client.force_login(world["users"][role])
    assert client.get(url).status_code in (200, 302, 403, 404)


def test_admin_index_names_third_party_sections_in_french(client, world):
    client.force_login(world["users"]["admin"])
    page = client.get(reverse("admin:index")).content.decode()
    for english in (">Axes<", ">Audit log<", ">Otp_Static<", ">OTP_STATIC<", ">AXES<"):
        assert english not in page
    assert "Tentatives de connexion" in page and "Journal des modifications" in page


def test_admin_task_list_column_is_in_french(client, world):
    client.force_login(world["users"]["lead"])
    page = client.get(reverse("admin:accompagnement_task_changelist")).content.decode()
    assert "column-household" in page and ">Household<" not in page and ">Dossier<" in page


def test_source_rhythm_is_in_words(client, world):
    source = world["samples"]["source"]
    source.published_every = datetime.timedelta(days=7)
    source.save()
    client.force_login(world["users"]["admin"])
    page = client.get(reverse("admin:communes_source_change", args=[source.pk])).content.decode()
    assert "1 semaine" in page and "7 days" not in page

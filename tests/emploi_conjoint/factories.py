"""factory_boy factories for the spouse-employment pipeline (households and organisations included)."""

import io
import zipfile

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from accompagnement.models import Adult, Household
from emploi_conjoint import stages
from emploi_conjoint.enums import ContractType, WorkTime
from emploi_conjoint.models import Candidate, Opportunity
from tests.factories import CommuneFactory
from tests.partenaires.factories import OrganisationFactory


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    reference = factory.Sequence(lambda n: f"TEST-{n:05d}")
    origin = "Dossier fictif de test"


class AdultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Adult

    household = factory.SubFactory(HouseholdFactory)
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = "Fictif"
    is_spouse_seeking_job = True


class CandidateFactory(factory.django.DjangoModelFactory):
    """A candidate opened through the service, so the timeline starts with "Ouverture du suivi"."""

    class Meta:
        model = Candidate

    adult = factory.SubFactory(AdultFactory)
    home_commune = factory.SubFactory(CommuneFactory)
    commute_km = 25
    wished_roles = "comptable"
    wished_sectors = ""
    work_time = WorkTime.EITHER
    contract_types = factory.LazyFunction(list)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return stages.open_candidate(model_class(*args, **kwargs))


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity

    title = "Comptable fournisseurs"
    organisation = factory.SubFactory(OrganisationFactory)
    commune = factory.SubFactory(CommuneFactory)
    contract_type = ContractType.CDI
    work_time = WorkTime.FULL


# --- Files sent as CVs, built in memory in their real formats ----------------------------------------

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def _zip(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            # ODT requires its "mimetype" entry first and uncompressed; DOCX tolerates either.
            compress = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=compress)
    return buffer.getvalue()


def docx_bytes():
    return _zip(
        [
            ("[Content_Types].xml", DOCX_CONTENT_TYPES),
            ("_rels/.rels", "<Relationships/>"),
            ("word/document.xml", "<w:document>CV</w:document>"),
        ]
    )


def odt_bytes():
    return _zip(
        [
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("META-INF/manifest.xml", "<manifest/>"),
            ("content.xml", "<office:document-content>CV</office:document-content>"),
        ]
    )


def plain_zip_bytes():
    return _zip([("photos/vacances.txt", "pas un CV")])


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)

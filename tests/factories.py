"""factory_boy factories for the commune registry and layers, shared by every test package."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from communes import models
from communes.enums import Theme
from communes.text import fold


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Departement
        django_get_or_create = ("code",)

    code = "10"
    name = "Aube"


class EPCIFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.EPCI
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"2410{n:05d}")
    name = factory.Sequence(lambda n: f"Communauté de communes fictive {n}")


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Commune
        django_get_or_create = ("code_insee",)

    # 10500–10899: five characters whatever the count, and clear of the real codes tests use (10081,
    # 10387…) and of the ones they use as unknown (10998, 10999).
    code_insee = factory.Sequence(lambda n: f"10{n % 400 + 500:03d}")
    name = factory.Sequence(lambda n: f"Commune fictive {n}")
    slug = factory.LazyAttribute(lambda o: fold(o.name).replace(" ", "-"))
    departement = factory.SubFactory(DepartementFactory)
    epci = factory.SubFactory(EPCIFactory)
    postcodes = factory.LazyFunction(lambda: ["10000"])
    search_text = factory.LazyAttribute(lambda o: fold(o.name + " " + " ".join(o.postcodes)))
    population = 1000
    surface_ha = 1500.0
    latitude = 48.30
    longitude = 4.08


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Source
        django_get_or_create = ("slug",)

    slug = "bpe"
    name = "Base permanente des équipements"
    publisher = "INSEE"
    expected_every = timedelta(days=365)

    @classmethod
    def _generate(cls, strategy, params):
        """The catalogue's migration creates every source of communes.catalog: a test that names one gets
        that row, with the values it passed explicitly applied (the others stay the catalogue's)."""
        source = super()._generate(strategy, params)
        explicit = {k: v for k, v in params.items() if k != "slug"}
        if strategy == factory.enums.CREATE_STRATEGY and explicit and source.pk:
            models.Source.objects.filter(pk=source.pk).update(**explicit)
            source.refresh_from_db()
        return source


class LayerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Layer
        django_get_or_create = ("slug",)

    slug = "medecins-generalistes"
    name = "Médecins généralistes"
    singular = "médecin généraliste"
    theme = Theme.SANTE


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Place

    layer = factory.SubFactory(LayerFactory)
    source = factory.SubFactory(SourceFactory)
    source_ref = factory.Sequence(lambda n: f"REF{n:06d}")
    name = factory.Sequence(lambda n: f"Lieu fictif {n}")
    commune = factory.SubFactory(CommuneFactory)
    latitude = factory.LazyAttribute(lambda o: o.commune.latitude)
    longitude = factory.LazyAttribute(lambda o: o.commune.longitude)


class UserFactory(factory.django.DjangoModelFactory):
    """A staff account; pass ``roles=["installation advisor"]`` to put it in role groups."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"agent{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@osez.localhost")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "un mot de passe solide 2026")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for name in extracted or ():
            self.groups.add(Group.objects.get_or_create(name=name)[0])
        if create:
            self.save()


class IndicatorFactory(factory.django.DjangoModelFactory):
    """A commune indicator of any source (tests must not depend on the slugs the importers choose)."""

    class Meta:
        model = models.Indicator
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"indicateur-fictif-{n}")
    name = factory.Sequence(lambda n: f"Indicateur fictif {n}")
    unit = "%"
    theme = Theme.VIE_LOCALE
    source = factory.SubFactory(SourceFactory, slug="source-indicateurs", name="Source d'indicateurs fictive")
    order = 100


class CommuneIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CommuneIndicator

    commune = factory.SubFactory(CommuneFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    value = 50.0


def record_publication(source, *, fictional):
    """A successful import as the pipeline records it (communes.services): its ImportRecord, and the
    source's fictional flag — the one the banner, /donnees/, the API and the downloads read — set by a
    bulk update, as the pipeline does."""
    from communes.enums import ImportOutcome

    record = models.ImportRecord.objects.create(
        source=source, outcome=ImportOutcome.SUCCESS, is_fictional=fictional
    )
    models.Source.objects.filter(pk=source.pk).update(is_fictional=fictional)
    return record

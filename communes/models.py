"""The commune registry (départements, EPCIs, communes) and the open-data layers and their places."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .enums import ImportOutcome, IndicatorLevel, PositionQuality, SourceState, Theme, UploadState
from .managers import CommuneQuerySet, PlaceQuerySet, SourceQuerySet


class Departement(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)

    class Meta:
        verbose_name = _("département")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class EPCI(models.Model):
    code = models.CharField(_("code SIREN"), max_length=9, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)

    class Meta:
        verbose_name = _("EPCI")
        verbose_name_plural = _("EPCI")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Commune(models.Model):
    code_insee = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(max_length=200)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(EPCI, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes")
    postcodes = models.JSONField(_("codes postaux"), default=list, blank=True)
    # Name and postcodes folded to lower-case ASCII words, for search that ignores accents and hyphens.
    search_text = models.CharField(max_length=400, db_index=True, editable=False, default="")
    population = models.PositiveIntegerField(_("population municipale"), null=True, blank=True)
    surface_ha = models.FloatField(_("superficie (ha)"), null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    contour = models.JSONField(_("contour (GeoJSON simplifié)"), null=True, blank=True)
    # Digest of the imported values: a refresh compares it in memory to tell "unchanged" from "updated".
    row_hash = models.CharField(max_length=32, blank=True, editable=False)
    is_active = models.BooleanField(default=True)
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        ordering = ["name", "code_insee"]
        indexes = [models.Index(fields=["departement", "name"]), models.Index(fields=["population"])]

    def __str__(self):
        return f"{self.name} ({self.code_insee})"

    def get_absolute_url(self):
        return reverse("portail:commune", kwargs={"code": self.code_insee, "slug": self.slug})

    @property
    def density(self):
        if self.population is None or not self.surface_ha:
            return None
        return self.population / (self.surface_ha / 100)


def catalogue_text(text):
    """A catalogue name as the visitor reads it: the stored text is the French source string of
    ``communes/catalog.py`` or ``communes/sources/indicators.py`` (marked for translation there), so the
    public pages show it through gettext; a name staff typed themselves stays as typed. The API and
    the staff pages keep the stored French."""
    return gettext(text) if text else text


class CatalogueEntry(models.Model):
    """A row of the catalogue named in French by the code (a source, a layer, an indicator): the admin and
    the API show the stored name, the public pages its translation (``label``)."""

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def label(self):
        return catalogue_text(self.name)


class Source(CatalogueEntry):
    """An official data source or a partner's file: who publishes it, under which licence, how fresh."""

    slug = models.SlugField(max_length=60, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)
    publisher = models.CharField(_("producteur"), max_length=200)
    licence = models.CharField(_("licence"), max_length=100, default="Licence Ouverte 2.0 (Etalab)")
    licence_url = models.URLField(default="https://www.etalab.gouv.fr/licence-ouverte-open-licence/")
    homepage = models.URLField(_("page de la source"), blank=True)
    expected_every = models.DurationField(_("rythme attendu de mise à jour"))
    # How often the publisher releases a new edition (BPE: yearly; Annuaire: daily): "à jour" means no
    # edition newer than the imported one can exist yet, judged with this rhythm.
    published_every = models.DurationField(_("rythme de publication de la source"), null=True, blank=True)
    # The data's own date, as opposed to the date of our import: "BPE 2024", "Annuaire du 27 mai 2026".
    data_vintage = models.CharField(_("millésime des données"), max_length=100, blank=True)
    data_date = models.DateField(_("date des données"), null=True, blank=True)
    # True while what is published comes from fictional demonstration files (the embedded fixtures/,
    # or a cache of fictional files): every public page then says so. Cleared by a real publication.
    is_fictional = models.BooleanField(_("données fictives"), default=False)
    is_territory = models.BooleanField(_("donnée du territoire"), default=False)
    state = models.CharField(max_length=10, choices=SourceState.choices, default=SourceState.NEVER)
    last_success_at = models.DateTimeField(_("dernière réussite"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("dernière tentative"), null=True, blank=True)
    last_message = models.TextField(_("dernier message"), blank=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("source de données")
        verbose_name_plural = _("sources de données")
        ordering = ["name"]

    @property
    def is_stale(self):
        """True when the last success is older than the expected rhythm plus a margin (or never happened)."""
        if self.last_success_at is None:
            return True
        margin = max(self.expected_every * 0.5, timedelta(days=2))
        return timezone.now() - self.last_success_at > self.expected_every + margin


class Layer(CatalogueEntry):
    """A kind of place a family cares about (écoles maternelles, pharmacies…), grouped by theme."""

    slug = models.SlugField(max_length=60, primary_key=True)
    name = models.CharField(_("nom"), max_length=120)
    singular = models.CharField(_("nom au singulier"), max_length=120, blank=True)
    theme = models.CharField(_("thème"), max_length=20, choices=Theme.choices)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=100)
    is_territory = models.BooleanField(_("couche du territoire"), default=False)
    # For territory layers: the columns a partner's file must have (see communes.territory).
    columns = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("couche de données")
        verbose_name_plural = _("couches de données")
        ordering = ["order", "name"]

    @property
    def singular_label(self):
        return catalogue_text(self.singular or self.name)


class Place(models.Model):
    """One place of a layer as a source describes it; never deleted, marked inactive when it vanishes."""

    layer = models.ForeignKey(Layer, on_delete=models.PROTECT, related_name="places")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="places")
    source_ref = models.CharField(_("identifiant dans la source"), max_length=100)
    name = models.CharField(_("nom"), max_length=300)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="places", null=True, blank=True
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    postcode = models.CharField(_("code postal"), max_length=5, blank=True)
    # Contacts as the source publishes them (an establishment's switchboard, never a private person's).
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    email = models.EmailField(_("courriel"), max_length=254, blank=True)
    website = models.URLField(_("site web"), max_length=500, blank=True)
    # Where the source placed the point itself, or only knows the commune: EXACT points are drawn on maps;
    # APPROXIMATE ones (BPE QUALITE_GEOLOC 33: drawn at random inside the commune) count in their commune
    # and are listed as "position approximative", never drawn as if exact; UNKNOWN ones have no point.
    position_quality = models.CharField(
        _("qualité de la position"),
        max_length=12,
        choices=PositionQuality.choices,
        default=PositionQuality.EXACT,
    )
    attributes = models.JSONField(default=dict, blank=True)
    # Digest of the imported values: a refresh compares it in memory to tell "unchanged" from "updated".
    row_hash = models.CharField(max_length=32, blank=True, editable=False)
    is_active = models.BooleanField(default=True)
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("lieu")
        constraints = [
            models.UniqueConstraint(fields=["source", "source_ref", "layer"], name="place_natural_key"),
        ]
        indexes = [
            models.Index(fields=["layer", "commune", "is_active"]),
            models.Index(fields=["commune", "is_active"]),
        ]

    def __str__(self):
        return self.name

    @property
    def has_coordinates(self):
        return self.latitude is not None and self.longitude is not None


class PlaceAnnotation(models.Model):
    """What an advisor knows of a place that no source says ("accepte de nouveaux patients")."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="annotations")
    text = models.CharField(_("annotation"), max_length=300)
    observed_on = models.DateField(_("constaté le"), default=timezone.localdate)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("annotation d'un lieu")
        verbose_name_plural = _("annotations des lieux")
        ordering = ["-observed_on", "-created_at"]

    def __str__(self):
        return self.text


class ImportRecord(models.Model):
    """One run of one source: what it found, what it published or why it refused."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="imports")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=ImportOutcome.choices, default=ImportOutcome.RUNNING)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    deactivated = models.PositiveIntegerField(default=0)
    total_rows = models.PositiveIntegerField(default=0)
    rejected_rows = models.JSONField(_("premières lignes rejetées"), default=list, blank=True)
    message = models.TextField(blank=True)
    checksum = models.CharField(_("empreinte SHA-256 du fichier"), max_length=64, blank=True)
    data_vintage = models.CharField(_("millésime des données"), max_length=100, blank=True)
    data_date = models.DateField(_("date des données"), null=True, blank=True)
    is_fictional = models.BooleanField(_("données fictives"), default=False)
    forced = models.BooleanField(default=False)
    triggered_by = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("import")
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self):
        return f"{self.source_id} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"


class Proximity(models.Model):
    """For one commune and one layer: how many places in it and around its centre, and the nearest."""

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="proximities")
    layer = models.ForeignKey(Layer, on_delete=models.CASCADE, related_name="proximities")
    in_commune = models.PositiveIntegerField(default=0)
    within_5km = models.PositiveIntegerField(default=0)
    within_10km = models.PositiveIntegerField(default=0)
    within_20km = models.PositiveIntegerField(default=0)
    nearest = models.ForeignKey(Place, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    nearest_km = models.FloatField(null=True, blank=True)
    # Indexed: the API's data version takes MAX(computed_at) before every answer (~700,000 rows nationally).
    computed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("proximité")
        constraints = [models.UniqueConstraint(fields=["commune", "layer"], name="proximity_commune_layer")]

    def __str__(self):
        return f"{self.commune_id} {self.layer_id}"


class TerritoryUpload(models.Model):
    """A partner's file for a territory layer, checked and previewed before it is published."""

    layer = models.ForeignKey(Layer, on_delete=models.PROTECT, related_name="uploads")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="uploads")
    provider = models.CharField(_("partenaire qui fournit le fichier"), max_length=200)
    data_date = models.DateField(_("date des données"))
    file_name = models.CharField(max_length=255)
    checksum = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=UploadState.choices, default=UploadState.PREVIEW)
    rows = models.JSONField(default=list, blank=True)
    rejected_rows = models.JSONField(default=list, blank=True)
    # Lines of the file after its header: accepted + rejected + empty lines add up to it in the preview.
    data_lines = models.PositiveIntegerField(_("lignes de données du fichier"), default=0)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("fichier d'un partenaire")
        verbose_name_plural = _("fichiers des partenaires")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"{self.layer} — {self.provider} ({self.data_date})"


class Indicator(CatalogueEntry):
    """A figure published per commune (not a place): childcare capacity, broadband, housing prices…"""

    slug = models.SlugField(max_length=60, primary_key=True)
    name = models.CharField(_("nom"), max_length=160)
    unit = models.CharField(_("unité"), max_length=40, blank=True)
    theme = models.CharField(_("thème"), max_length=20, choices=Theme.choices)
    description = models.TextField(blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="indicators")
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("indicateur")
        ordering = ["order", "name"]

    @property
    def unit_label(self):
        return catalogue_text(self.unit)

    @property
    def description_label(self):
        return catalogue_text(self.description)


class CommuneIndicator(models.Model):
    """One indicator's value for one commune, with the territory it was measured on and its vintage.

    ``level`` says whether the figure is the commune's own or its EPCI's / département's (CNAF publishes
    commune figures only above 10,000 inhabitants): a page must say so. ``value`` is null when the
    source has the row but no figure (a median hidden below the minimum number of sales); a missing
    row means "no data". ``count`` is the figure's base (sales, premises); ``place`` links a place
    (the collège of the catchment area).
    """

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="indicators")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    level = models.CharField(
        _("échelle"), max_length=12, choices=IndicatorLevel.choices, default=IndicatorLevel.COMMUNE
    )
    territory_code = models.CharField(_("code du territoire mesuré"), max_length=9, blank=True)
    territory_name = models.CharField(_("territoire mesuré"), max_length=200, blank=True)
    value = models.FloatField(_("valeur"), null=True, blank=True)
    text = models.CharField(_("valeur en texte"), max_length=300, blank=True)
    count = models.PositiveIntegerField(_("effectif"), null=True, blank=True)
    place = models.ForeignKey(Place, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    attributes = models.JSONField(default=dict, blank=True)
    vintage = models.CharField(_("millésime"), max_length=100, blank=True)
    data_date = models.DateField(_("date des données"), null=True, blank=True)
    row_hash = models.CharField(max_length=32, blank=True, editable=False)
    is_active = models.BooleanField(default=True)
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("valeur d'un indicateur")
        verbose_name_plural = _("valeurs des indicateurs")
        constraints = [
            models.UniqueConstraint(fields=["commune", "indicator"], name="commune_indicator_unique"),
        ]
        indexes = [models.Index(fields=["indicator", "is_active"])]

    def __str__(self):
        return f"{self.commune_id} {self.indicator_id}"

"""The family's own pages under /mon-espace/: sign-in by e-mailed link, the year on one page, messages,
checklists, places, the welcome pack, their data and the "How is it going?" survey.

Every page is for the signed-in adult's own household only: objects are always looked up through it, so a
guessed identifier of another household answers 404. Every read is written to the access log.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from accompagnement import letters
from accompagnement.enums import Language, NeedState, TaskKind
from accompagnement.models import Adult, Household, Task
from osez import rights
from osez.audit import Action, client_address, record

from . import services, session, words
from .forms import MessageForm, SignInForm, SurveyForm
from .models import ChecklistTick, Message, SettlingSurvey


def _language(request):
    """The household's language once signed in (stored on the dossier), else the one picked on the page."""
    household = getattr(request, "household", None)
    if household is not None:
        return household.language
    return Language.of(request.session.get(session.LANGUAGE_KEY))


def in_family_language(view):
    """Pages of the space speak the family's language (the rest of the site keeps its own)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with translation.override(_language(request)):
            response = view(request, *args, **kwargs)
            response.headers.setdefault("Content-Language", _language(request))
            return response

    return wrapped


def family_required(view):
    """The signed-in adult and their household on ``request``, or the sign-in page; never cached.

    The page speaks the household's language (``Household.language``: set from the public request's
    page, changed by the advisor on the dossier or by the family with the switch of the space).
    """

    @wraps(view)
    @never_cache
    @in_family_language
    def wrapped(request, *args, **kwargs):
        adult_id = session.signed_in_adult_id(request)
        if adult_id is None:
            return redirect("espace_famille:sign-in")
        adult = (
            Adult.objects.select_related("household__advisor__advisor_profile", "household__commune_chosen")
            .defer("household__commune_chosen__contour")
            .filter(pk=adult_id)
            .first()
        )
        if adult is None:  # the dossier was erased while the session was open
            session.sign_out(request)
            return redirect("espace_famille:sign-in")
        request.family_adult = adult
        request.household = adult.household
        with translation.override(request.household.language):
            return view(request, *args, **kwargs)

    return wrapped


def _log_read(request, what):
    record(
        request,
        Action.VIEW,
        request.household,
        detail=f"espace famille ({what}), adulte n° {request.family_adult.pk}",
    )


# --- Signing in ---------------------------------------------------------------------------------------


def sign_in_rate(group, request):
    return getattr(settings, "OSEZ_FAMILY_SIGN_IN_RATE", "5/15m")


def _address_key(group, request):
    return "addr:" + (request.POST.get("email") or "").strip().lower()[:254]


def _client_key(group, request):
    return "ip:" + client_address(request)


@never_cache
@in_family_language
@require_http_methods(["GET", "POST"])
def sign_in(request):
    """Ask for a link. The answer is the same whether the address is known or not."""
    if session.signed_in_adult_id(request) is not None:
        return redirect("espace_famille:home")
    form = SignInForm(request.POST or None)
    if request.method == "POST":
        limited = False
        for key in (_client_key, _address_key):
            limited |= is_ratelimited(
                request,
                group="espace_famille.sign_in",
                key=key,
                rate=sign_in_rate,
                method="POST",
                increment=True,
            )
        if limited:
            form.add_error(
                None,
                _("Trop de demandes de lien en peu de temps. Réessayez dans un quart d'heure."),
            )
            return render(request, "espace_famille/sign_in.html", {"form": form}, status=429)
        if form.is_valid():
            from .tasks import send_sign_in_links

            address = form.cleaned_data["email"]
            # Each adult's link is written in their household's language (whatever this page is in).
            send_sign_in_links.delay(address)
            return render(request, "espace_famille/link_sent.html", {"email": address})
        return render(request, "espace_famille/sign_in.html", {"form": form}, status=400)
    return render(request, "espace_famille/sign_in.html", {"form": form})


@never_cache
@in_family_language
@require_http_methods(["GET", "POST"])
def redeem(request, token):
    """The link from the e-mail. GET shows a button (mail scanners follow links); POST opens the space."""
    if request.method == "GET":
        # The household's language, so an English family's link opens an English page.
        with translation.override(services.link_language(token) or _language(request)):
            return render(request, "espace_famille/redeem.html", {"token": token})
    try:
        adult = services.redeem_link(token)
    except services.LinkRefused as refusal:
        return render(
            request,
            "espace_famille/sign_in.html",
            {"form": SignInForm(), "refusal": str(refusal)},
            status=400,
        )
    session.sign_in(request, adult)
    # After signing out, the sign-in page stays in the household's language.
    request.session[session.LANGUAGE_KEY] = adult.household.language
    record(request, Action.VIEW, adult.household, detail=f"espace famille (connexion), adulte n° {adult.pk}")
    return redirect("espace_famille:home")


@require_POST
def sign_out(request):
    session.sign_out(request)
    return redirect("espace_famille:sign-in")


@require_POST
def set_language(request):
    """The switch of the space: signed in, it changes the household's language (pages and e-mails)."""
    code = Language.of(request.POST.get("language"))
    request.session[session.LANGUAGE_KEY] = code
    adult_id = session.signed_in_adult_id(request)
    if adult_id is not None:
        household = Household.objects.filter(adults__pk=adult_id).only("pk", "reference", "language").first()
        if household is not None and services.set_language(household, code):
            record(request, Action.CHANGE, household, detail=f"langue de l'espace famille : {code}")
    nxt = request.POST.get("next", "")
    if not nxt.startswith("/mon-espace/") or "//" in nxt:
        nxt = reverse("espace_famille:home")
    return redirect(nxt)


# --- The year on one page --------------------------------------------------------------------------------


def year_context(request, household, **overrides):
    """Everything the year page shows, in a fixed number of queries whatever the number of rows."""
    adult = request.family_adult
    needs = list(household.needs.all())
    items = services.checklist_items_for(household, needs)
    ticked = dict(ChecklistTick.objects.filter(household=household).values_list("item_id", "ticked_at"))
    surveys = list(SettlingSurvey.objects.filter(household=household))
    alert_tasks = {s.alert_task_id for s in surveys if s.alert_task_id}
    tasks = [
        t
        for t in Task.objects.filter(household=household).order_by("due_date", "pk")
        if t.pk not in alert_tasks
    ]
    today = timezone.localdate()
    by_need = {}
    for item in items:
        by_need.setdefault(item.need, []).append(item)
    english = translation.get_language() == "en"
    need_rows = [
        {
            "need": need,
            "words": words.need_words(need.kind),
            "state_words": words.state_words(need.state),
            "done": need.state in (NeedState.RESOLVED, NeedState.NOT_APPLICABLE),
            "steps": [_step(item, ticked, english) for item in by_need.get(need.kind, [])],
        }
        for need in needs
    ]
    general = [_step(item, ticked, english) for item in by_need.get("", [])]
    spouse_rows = []
    for member in household.adults.select_related("family_space_sharing", "candidate").order_by("pk"):
        sharing = getattr(member, "family_space_sharing", None)
        candidate = getattr(member, "candidate", None)
        if candidate is not None and sharing is not None and sharing.shares_job_search:
            spouse_rows.append({"adult": member, "stage": candidate.get_stage_display()})
    advisor = household.advisor
    # The phone the back-office prints on letters (accompagnement.AdvisorProfile), else the team's.
    profile = getattr(advisor, "advisor_profile", None) if advisor is not None else None
    context = {
        "household": household,
        "adult": adult,
        "needs": need_rows,
        "general_steps": general,
        "next_steps": [t for t in tasks if t.kind != TaskKind.MILESTONE and t.done_at is None][:10],
        "milestones": [t for t in tasks if t.kind == TaskKind.MILESTONE],
        "today": today,
        "advisor": advisor,
        "advisor_phone": (profile.phone if profile is not None else "")
        or getattr(settings, "OSEZ_ADVISORS_PHONE", ""),
        "advisors_email": settings.OSEZ_ADVISORS_EMAIL,
        "spouse_rows": spouse_rows,
        "thread": list(Message.objects.thread(household)),
        "message_form": MessageForm(),
        "survey": next((s for s in surveys if s.answered_at is None), None),
        "survey_form": SurveyForm(),
    }
    context.update(overrides)
    return context


def _step(item, ticked, english):
    return {
        "item": item,
        "label": (item.label_en if english and item.label_en else item.label),
        "help": (item.help_text_en if english and item.help_text_en else item.help_text),
        "ticked_at": ticked.get(item.pk),
    }


@family_required
@require_GET
def home(request):
    _log_read(request, "année")
    return render(request, "espace_famille/home.html", year_context(request, request.household))


@family_required
@require_POST
def message_post(request):
    household = request.household
    form = MessageForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Le message n'a pas été envoyé : corrigez ce qui est signalé."))
        context = year_context(request, household, message_form=form)
        return render(request, "espace_famille/home.html", context, status=400)
    services.post_message(
        household,
        text=form.cleaned_data["text"],
        author="famille",
        adult=request.family_adult,
        upload=form.cleaned_data.get("attachment"),
        checked=form.checked,
    )
    record(
        request,
        Action.CREATE,
        household,
        detail=f"message de la famille, adulte n° {request.family_adult.pk}",
    )
    messages.success(request, _("Message envoyé à votre conseillère ou conseiller."))
    return redirect(reverse("espace_famille:home") + "#messages")


@family_required
@require_GET
def attachment(request, pk):
    message = get_object_or_404(Message, pk=pk, household=request.household)
    if not message.attachment:
        raise Http404
    record(
        request,
        Action.DOWNLOAD,
        request.household,
        detail=f"espace famille (pièce jointe {message.pk}), adulte n° {request.family_adult.pk}",
    )
    return _file_response(message)


def _file_response(message):
    try:
        handle = message.attachment.storage.open(message.attachment.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}.get(
        message.attachment_kind, "application/octet-stream"
    )
    extension = {"pdf": ".pdf", "jpg": ".jpg", "png": ".png"}.get(message.attachment_kind, "")
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=True,
        filename=f"piece-jointe-{message.pk}{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@family_required
@require_POST
def tick(request, item_pk):
    household = request.household
    allowed = {item.pk: item for item in services.checklist_items_for(household)}
    item = allowed.get(item_pk)
    if item is None:
        raise Http404
    done = request.POST.get("done") == "1"
    services.set_tick(household, item, done=done, adult=request.family_adult)
    record(request, Action.CHANGE, household, detail=f"démarche {item.pk} {'cochée' if done else 'décochée'}")
    return redirect(reverse("espace_famille:home") + f"#demarche-{item.pk}")


@family_required
@require_POST
def survey_answer(request):
    household = request.household
    survey = services.open_survey(household)
    if survey is None:
        messages.info(request, _("Ce questionnaire a déjà reçu votre réponse : merci !"))
        return redirect("espace_famille:home")
    form = SurveyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Votre réponse n'a pas été enregistrée : choisissez une note de 0 à 10."))
        return render(
            request,
            "espace_famille/home.html",
            year_context(request, household, survey_form=form),
            status=400,
        )
    services.answer_survey(survey, score=form.cleaned_data["score"], missing=form.cleaned_data["missing"])
    record(request, Action.CHANGE, household, detail=f"questionnaire {survey.milestone} mois")
    messages.success(request, _("Merci ! Votre conseillère ou conseiller lira votre réponse."))
    return redirect("espace_famille:home")


# --- Places and the welcome pack ---------------------------------------------------------------------------


def _pins(household):
    return list(
        household.pinned_places.select_related("place__layer", "place__commune", "from_commune").defer(
            "place__commune__contour", "from_commune__contour"
        )
    )


@family_required
@require_GET
def places(request):
    household = request.household
    pins = _pins(household)
    _log_read(request, "lieux")
    points = [
        {"name": p.place.name, "layer": p.place.layer.name, "lat": p.place.latitude, "lon": p.place.longitude}
        for p in pins
        if p.place.latitude is not None and p.place.longitude is not None
    ]
    return render(
        request,
        "espace_famille/places.html",
        {"household": household, "pins": pins, "points": points, "map_options": _map_options()},
    )


def _map_options():
    config = settings.LEAFLET_CONFIG
    url, options = config["TILES"][0][1], config["TILES"][0][2]
    return {
        "tiles": url,
        "attribution": options.get("attribution", ""),
        "center": config["DEFAULT_CENTER"],
        "zoom": config["DEFAULT_ZOOM"],
    }


def _welcome_pack_context(household):
    pins = _pins(household)
    groups = {}
    for pin in pins:
        groups.setdefault(pin.place.layer, []).append(pin)
    return {
        "household": household,
        "commune": household.main_commune,
        "groups": list(groups.items()),
        "advisor": household.advisor,
        "advisors_email": settings.OSEZ_ADVISORS_EMAIL,
        "today": timezone.localdate(),
    }


@family_required
@require_GET
def welcome_pack(request):
    """The welcome pack, printable, with a PDF to download: the places, the advisor, useful sheets."""
    _log_read(request, "livret d'accueil")
    return render(request, "espace_famille/welcome_pack.html", _welcome_pack_context(request.household))


@family_required
@require_GET
def welcome_pack_pdf(request):
    """The same welcome pack as a PDF, made by the back-office's WeasyPrint letter helper."""
    household = request.household
    _log_read(request, "livret d'accueil (PDF)")
    html = render_to_string("espace_famille/welcome_pack.html", _welcome_pack_context(household), request)
    response = HttpResponse(letters.welcome_pack_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="livret-accueil-{household.reference}.pdf"'
    return response


# --- Their data ------------------------------------------------------------------------------------------


@family_required
@require_GET
def my_data(request):
    household = request.household
    adult = request.family_adult
    _log_read(request, "mes données")
    held = rights.held_objects(household)
    counts = {}
    for obj in held:
        label = str(obj._meta.verbose_name_plural)
        counts[label] = counts.get(label, 0) + 1
    candidate = getattr(adult, "candidate", None) if hasattr(adult, "candidate") else None
    sharing = getattr(adult, "family_space_sharing", None) if hasattr(adult, "family_space_sharing") else None
    return render(
        request,
        "espace_famille/my_data.html",
        {
            "household": household,
            "adult": adult,
            "counts": sorted(counts.items()),
            "candidate": candidate,
            "cv_consent": candidate.current_consent if candidate is not None else None,
            "sharing": sharing,
            "erasure_requested": household.erasure_requests.exists(),
        },
    )


@family_required
@require_GET
def export(request):
    household = request.household
    # The export itself is logged here, with the adult who asked (rights.export logs only with a request).
    content = rights.export(household)
    record(
        request,
        Action.EXPORT,
        household,
        detail=f"espace famille (export), adulte n° {request.family_adult.pk}",
    )
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="osez-{household.reference}.zip"'
    return response


@family_required
@require_POST
def sharing(request):
    adult = request.family_adult
    if getattr(adult, "candidate", None) is None:
        raise Http404
    shares = request.POST.get("shares") == "1"
    services.set_spouse_sharing(adult, shares)
    record(
        request,
        Action.CHANGE,
        request.household,
        detail=f"partage recherche d'emploi {'oui' if shares else 'non'}",
    )
    messages.success(
        request,
        _("L'étape de votre recherche d'emploi est maintenant visible dans l'espace famille.")
        if shares
        else _("L'étape de votre recherche d'emploi n'est plus visible dans l'espace famille."),
    )
    return redirect("espace_famille:my-data")


@family_required
@require_POST
def withdraw_cv_consent(request):
    withdrawn = services.withdraw_cv_consent(request.family_adult)
    if withdrawn is None:
        messages.info(request, _("Il n'y a pas de consentement en cours à retirer."))
    else:
        record(request, Action.CHANGE, request.household, detail="consentement CV retiré par la famille")
        messages.success(
            request, _("Votre consentement est retiré : votre CV ne sera plus transmis aux entreprises.")
        )
    return redirect("espace_famille:my-data")


@family_required
@require_POST
def erasure(request):
    household = request.household
    if household.erasure_requests.exists():
        messages.info(request, _("Votre demande d'effacement a déjà été transmise à l'équipe."))
    else:
        services.request_erasure(household, request.family_adult)
        record(request, Action.CREATE, household, detail="demande d'effacement par la famille")
        messages.success(
            request,
            _("Votre demande d'effacement est transmise à l'équipe : elle vous répondra sous un mois."),
        )
    return redirect("espace_famille:my-data")

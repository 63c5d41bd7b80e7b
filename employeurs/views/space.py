"""The employer space under /employeur/: sign in, kits, referrals and the stages recruits share."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..access import employer_required
from ..forms import KitForm, ReferralForm
from ..models import Referral, TerritoryKit


class LoginView(auth_views.LoginView):
    template_name = "employeurs/login.html"
    redirect_authenticated_user = False

    def get_success_url(self):
        return self.get_redirect_url() or str(reverse_lazy("employeurs:home"))


class PasswordSetView(auth_views.PasswordResetConfirmView):
    template_name = "employeurs/password_set.html"
    success_url = reverse_lazy("employeurs:password-set-done")
    post_reset_login = False


class PasswordSetDoneView(auth_views.PasswordResetCompleteView):
    template_name = "employeurs/password_set_done.html"


@require_POST
def logout(request):
    from django.contrib.auth import logout as end_session

    end_session(request)
    return redirect("employeurs:login")


@employer_required
def home(request):
    account = request.employer_account
    return render(
        request,
        "employeurs/home.html",
        {
            "account": account,
            "kits": TerritoryKit.objects.filter(organisation=account.organisation).select_related(
                "workplace"
            ),
            "referrals": services.referrals_seen_by(account),
        },
    )


@employer_required
def kit_create(request):
    form = KitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        kit = services.create_kit(request.employer_account, **form.cleaned_data)
        messages.success(
            request, _("Le kit territoire est prêt : partagez son adresse avec le ou la candidat·e.")
        )
        return redirect("employeurs:kit-detail", pk=kit.pk)
    return render(request, "employeurs/kit_form.html", {"form": form, "account": request.employer_account})


@employer_required
def referral_create(request):
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.refer(request.employer_account, form.cleaned_data)
        except services.ReferralRefused as refusal:
            form.add_error("consent_contact", str(refusal))
        else:
            messages.success(
                request,
                _("Merci : le service d'accueil a reçu votre orientation et contactera votre salarié·e."),
            )
            return redirect("employeurs:home")
    return render(
        request, "employeurs/referral_form.html", {"form": form, "account": request.employer_account}
    )


@employer_required
def kit_detail(request, pk):
    # Looked up within the account's organisation: another employer's kit is a 404, never a refusal that
    # would confirm it exists.
    kit = get_object_or_404(
        TerritoryKit.objects.select_related("workplace").defer("workplace__contour"),
        pk=pk,
        organisation=request.employer_account.organisation,
    )
    share_url = request.build_absolute_uri(reverse("employeurs:kit", args=[kit.token]))
    return render(request, "employeurs/kit_detail.html", {"kit": kit, "share_url": share_url})


@employer_required
def referral_detail(request, pk):
    referral = get_object_or_404(
        Referral.objects.select_related("household"),
        pk=pk,
        organisation=request.employer_account.organisation,
    )
    stage = referral.household.get_stage_display() if referral.shares_stage else None
    return render(request, "employeurs/referral_detail.html", {"referral": referral, "stage": stage})

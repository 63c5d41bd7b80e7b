"""The employer space, under /employeur/, and the shared territory kits."""

from django.urls import path

from .views import kit, space

app_name = "employeurs"

urlpatterns = [
    path("", space.home, name="home"),
    path("connexion/", space.LoginView.as_view(), name="login"),
    path("deconnexion/", space.logout, name="logout"),
    path("mot-de-passe/<uidb64>/<token>/", space.PasswordSetView.as_view(), name="password-set"),
    path("mot-de-passe/enregistre/", space.PasswordSetDoneView.as_view(), name="password-set-done"),
    path("kits/nouveau/", space.kit_create, name="kit-create"),
    path("kits/<int:pk>/", space.kit_detail, name="kit-detail"),
    path("orientations/nouvelle/", space.referral_create, name="referral-create"),
    path("orientations/<int:pk>/", space.referral_detail, name="referral"),
    path("kit/<str:token>/", kit.kit_page, name="kit"),
    path("kit/<str:token>/pdf/", kit.kit_pdf, name="kit-pdf"),
]

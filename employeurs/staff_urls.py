"""Staff actions of the employer space, under /admin/employeurs/."""

from django.urls import path

from .views import staff

app_name = "employeurs_staff"

urlpatterns = [
    path("organisations/<int:pk>/comptes/", staff.account_create, name="account-create"),
    path("orientations/<int:pk>/retrait-partage/", staff.withdraw_sharing, name="withdraw-sharing"),
]

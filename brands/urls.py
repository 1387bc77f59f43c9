"""Settings → Members, under /b/<brand_slug>/members/."""

from django.urls import path

from brands import views

urlpatterns = [
    path("", views.member_list, name="member_list"),
    path("invite/", views.member_invite, name="member_invite"),
    path("<int:pk>/role/", views.member_change_role, name="member_change_role"),
    path("<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
]

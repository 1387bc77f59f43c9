from django.urls import path

from notifications import views

urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("read-all/", views.notification_read_all, name="notification_read_all"),
    path("<int:pk>/open/", views.notification_open, name="notification_open"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<slug:key>/", views.outbox_message, name="outbox_message"),
]

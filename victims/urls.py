from django.urls import path

from victims import views

app_name = "victims"

urlpatterns = [
    path("", views.victim_list, name="list"),
    path("new", views.victim_create, name="create"),
    path("<int:pk>/", views.victim_detail, name="detail"),
    path("<int:pk>/history", views.victim_history, name="history"),
    path("<int:pk>/edit", views.victim_edit, name="edit"),
    path("<int:pk>/offences/new", views.victim_link_case, name="link-case"),
    path("<int:pk>/contacts/new", views.contact_record, name="record-contact"),
    path("<int:pk>/updates/new", views.update_record, name="record-update"),
    path("<int:pk>/invitation", views.invitation_decide, name="decide-invitation"),
    path("<int:pk>/restorative-justice/new", views.rj_work_record, name="record-rj-work"),
    path(
        "contacts/<int:pk>/withdraw-consent",
        views.contact_withdraw_consent,
        name="withdraw-consent",
    ),
    path("restorative-justice/<int:pk>/edit", views.rj_work_edit, name="edit-rj-work"),
    path("cases/<int:case_pk>/reparation/new", views.reparation_record, name="record-reparation"),
    path("reparation/<int:pk>/edit", views.reparation_edit, name="edit-reparation"),
]

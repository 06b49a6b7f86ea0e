from django.urls import path

from contracts import views

app_name = "contracts"

urlpatterns = [
    path("", views.contract_list, name="list"),
    path("new/", views.choose_pupil, name="choose-pupil"),
    path("new/<int:child_pk>/", views.draft, name="draft"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/meeting/", views.record_initiation, name="record-initiation"),
    path("<int:pk>/requirements/add/", views.add_requirement, name="add-requirement"),
    path("<int:pk>/finalise/", views.finalise, name="finalise"),
    path("<int:pk>/amend/", views.amend, name="amend"),
    path("<int:pk>/lead-practitioner/", views.change_lead, name="change-lead"),
    path("<int:pk>/sign/parent/", views.record_parent_signature, name="record-parent-signature"),
    path(
        "<int:pk>/sign/governing-body/",
        views.sign_for_governing_body,
        name="sign-for-governing-body",
    ),
    path("<int:pk>/sign/officer/", views.record_officer_signature, name="record-officer-signature"),
    path("<int:pk>/copies/add/", views.record_copy_sent, name="record-copy-sent"),
    path("<int:pk>/reviews/add/", views.record_review, name="record-review"),
    path("<int:pk>/non-compliance/add/", views.record_non_compliance, name="record-non-compliance"),
    path("<int:pk>/non-compliance/<int:nc_pk>/warn/", views.serve_warning, name="serve-warning"),
    path("<int:pk>/continue/", views.continue_contract, name="continue"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/terminate/", views.terminate, name="terminate"),
    path("<int:pk>/request-ending/", views.request_termination, name="request-termination"),
    path(
        "<int:pk>/request-ending/<int:request_pk>/decide/",
        views.decide_termination,
        name="decide-termination",
    ),
    path("<int:pk>/referral/", views.make_referral, name="make-referral"),
]

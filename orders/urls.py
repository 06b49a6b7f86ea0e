from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("", views.order_list, name="order-list"),
    path("new/<int:case_pk>/", views.order_create, name="order-create"),
    path("<int:pk>/", views.order_detail, name="order-detail"),
    path("<int:pk>/history/", views.order_history, name="order-history"),
    path("<int:pk>/edit/", views.order_edit, name="order-edit"),
    path("<int:pk>/close/", views.order_close, name="order-close"),
    path("<int:pk>/requirements/new/", views.requirement_add, name="requirement-add"),
    path("requirements/<int:pk>/edit/", views.requirement_edit, name="requirement-edit"),
    path("<int:pk>/conditions/new/", views.condition_add, name="condition-add"),
    path("conditions/<int:pk>/edit/", views.condition_edit, name="condition-edit"),
    path("failures/<int:pk>/explanation/", views.failure_explanation, name="failure-explanation"),
    path("<int:pk>/sessions/new/", views.session_record, name="session-record"),
    path("<int:pk>/failures/new/", views.failure_record, name="record-failure"),
    path("failures/<int:pk>/refer/", views.referral_request, name="referral-request"),
    path("failures/<int:pk>/warning-letter/", views.failure_warning, name="issue-warning"),
    path("referrals/<int:pk>/", views.referral_decide, name="referral-decide"),
    path("support/<int:case_pk>/", views.support_detail, name="support-detail"),
    path(
        "support/<int:case_pk>/sessions/new/",
        views.support_session_record,
        name="support-session-record",
    ),
]

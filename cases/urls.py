from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("children/", views.find_child, name="find-child"),
    path("families/new", views.add_family, name="add-family"),
    path("families/<int:pk>/", views.family_detail, name="family-detail"),
    path("families/<int:pk>/history", views.family_history, name="family-history"),
    path("families/<int:pk>/edit", views.edit_family, name="edit-family"),
    path("families/<int:pk>/allocate", views.allocate_family, name="allocate-family"),
    path("families/<int:pk>/children/new", views.add_child, name="add-child"),
    path("families/<int:pk>/adults/new", views.add_adult, name="add-adult"),
    path("children/<int:pk>/", views.child_detail, name="child-detail"),
    path("children/<int:pk>/history", views.child_history, name="child-history"),
    path("children/<int:pk>/edit", views.edit_child, name="edit-child"),
    path("children/<int:pk>/views/new", views.record_views, name="record-views"),
    path("children/<int:pk>/cases/new", views.open_case, name="open-case"),
    path("adults/<int:pk>/", views.adult_detail, name="adult-detail"),
    path("adults/<int:pk>/history", views.adult_history, name="adult-history"),
    path("adults/<int:pk>/edit", views.edit_adult, name="edit-adult"),
    path("adults/<int:pk>/relationship", views.link_child, name="link-child"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/history", views.case_history, name="case-history"),
    path("cases/<int:pk>/edit", views.edit_case, name="edit-case"),
    path("cases/<int:pk>/close", views.close_case, name="close-case"),
    path("cases/<int:pk>/closure-decision", views.decide_closure, name="decide-closure"),
    path("cases/<int:pk>/sessions/new", views.record_session, name="record-session"),
    path("sessions/<int:pk>/edit", views.session_edit, name="session-edit"),
]

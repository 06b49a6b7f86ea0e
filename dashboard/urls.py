from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.show, name="show"),
    path("records/<slug:key>/", views.list_records, name="list-records"),
    path("records/<slug:key>/download", views.download_records, name="download-records"),
    path("records/<slug:key>/<str:arg>/", views.list_records, name="list-records"),
    path("records/<slug:key>/<str:arg>/download", views.download_records, name="download-records"),
    path("tables/<slug:key>/download", views.download_table, name="download-table"),
    path("kpis/<int:number>/", views.show_kpi, name="show-kpi"),
    path("kpis/<int:number>/download/<slug:which>", views.download_kpi, name="download-kpi"),
    path("cases/<int:pk>/end-outcomes/new", views.record_outcome, name="record-outcome"),
    path("cases/<int:pk>/screenings/new", views.record_screening, name="record-screening"),
]

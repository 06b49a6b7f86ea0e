from django.urls import path

from sar import views

# Root names (no namespace) kept as they were: templates link to them.
urlpatterns = [
    path("children/<int:pk>/", views.export_child, name="sar-export-child"),
    path("adults/<int:pk>/", views.export_adult, name="sar-export-adult"),
]

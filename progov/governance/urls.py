from django.urls import path

from progov.governance import views

app_name = "governance"
urlpatterns = [
    path("", views.structure, name="structure"),
]

from django.urls import path

from progov.governance import views

app_name = "governance"
urlpatterns = [
    path("", views.structure, name="structure"),
    path("home/", views.home, name="home"),
    path("groups/", views.group_list, name="group_list"),
    # Acronyms may contain a slash ("BPRWG/TDWG"), hence `path`; the ToR route goes first.
    path("groups/<path:acronym>/tor/<str:version>/", views.group_tor, name="group_tor"),
    path("groups/<path:acronym>/", views.group, name="group"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/login/", views.person_login, name="person_login"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<int:pk>/", views.organisation, name="organisation"),
    path("search/", views.search, name="search"),
]

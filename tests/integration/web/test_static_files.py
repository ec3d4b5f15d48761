from django.test import Client


def test_the_stylesheet_is_served_by_the_app_itself_without_debug(settings):
    settings.DEBUG = False

    response = Client().get("/static/web/recoup.css")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")

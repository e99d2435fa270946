import pytest
from django.urls import reverse

from apps.accounts.middleware import SESSION_KEY
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_user_logs_in_and_is_sent_to_choose_a_party(client, password):
    user = UserFactory()

    response = _login(client, user.username, password)

    assert response.status_code == 302
    assert response.url == reverse("party")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_password_and_unknown_user_get_the_same_answer(client, password):
    user = UserFactory()

    wrong_password = _login(client, user.username, "not the password")
    unknown_user = _login(client, "nobody-by-this-name", password)

    assert wrong_password.status_code == unknown_user.status_code == 200
    assert wrong_password.context["form"].errors == unknown_user.context["form"].errors
    assert list(wrong_password.context["form"].errors) == ["__all__"]


def test_repeated_failed_logins_lock_out_even_the_right_password(
    client, password, settings
):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, user.username, "guess")

    response = _login(client, user.username, password)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert b"Too many failed attempts" in response.content or b"For mange" in (
        response.content
    )


def test_logout_needs_a_post_and_ends_the_session(client, key_role_holder):
    client.force_login(key_role_holder.user)
    client.get(reverse("party"))

    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert SESSION_KEY not in client.session


def test_anonymous_visitor_is_sent_to_login_from_the_inbox(client):
    response = client.get(reverse("inbox"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_sessions_expire_when_idle(settings):
    assert settings.SESSION_COOKIE_AGE <= 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST

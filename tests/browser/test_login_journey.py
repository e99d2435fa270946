import re

from playwright.sync_api import expect

from apps.roles.services import register_rights_sync
from tests.browser.conftest import log_in
from tests.factories import RegisterRoleFactory


def test_key_role_holder_logs_in_chooses_the_party_and_lands_on_empty_inbox(
    live_server, open_page
):
    role = RegisterRoleFactory(organization__name="Tomt Tre AS")
    other = RegisterRoleFactory(person=role.person, organization__name="Blank Ark AS")
    for organization in (role.organization, other.organization):
        register_rights_sync(organization=organization)
    page = open_page()

    log_in(page, role.person.user.username)
    page.locator(f"button[name=party][value='{role.organization.number}']").click()

    expect(page).to_have_url(re.compile(r"/inbox/$"))
    expect(page.locator(".party-name")).to_have_text("Tomt Tre AS")
    expect(page.locator("p.empty")).to_be_visible()
    expect(page.locator("table.inbox tbody tr")).to_have_count(0)


def test_main_administrator_sees_her_organisation_in_the_header(demo, open_page):
    page = open_page()

    log_in(page, "kari")

    expect(page).to_have_url(re.compile(r"/inbox/$"))
    expect(page.locator(".party-name")).to_have_text("Solsikken barnehage AS")
    expect(page.locator("nav a[href='/access/']")).to_be_visible()


def test_partner_switches_party_from_the_header_in_one_click(demo, open_page):
    page = open_page()
    log_in(page, "per")
    expect(page.locator(".party-name")).to_have_text("Fjord & Bakst ANS")

    page.locator(".party a[href='/party/']").click()
    page.locator("ul.parties button[name=party]").click()

    expect(page).to_have_url(re.compile(r"/inbox/$"))
    expect(page.locator(".party-name")).to_have_text("Fjord & Bakst ANS")

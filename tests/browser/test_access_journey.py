from playwright.sync_api import expect

from apps.correspondences.models import Correspondence
from apps.organizations.models import Person
from tests.browser.conftest import log_in


def _link_to(page, correspondence):
    return page.locator(f"a[href='/inbox/{correspondence.public_id}/']")


def test_main_administrator_reads_confidential_mail_only_while_granted(demo, open_page):
    confidential = Correspondence.objects.get(sender_reference="BV-2026-0417")
    ordinary = Correspondence.objects.get(sender_reference="BV-INFO-12")
    kari = Person.objects.get(user__username="kari")
    page = open_page()
    log_in(page, "kari")

    # R3 and R4: her ordinary mail is there, the confidential one is not.
    expect(_link_to(page, ordinary)).to_be_visible()
    expect(_link_to(page, confidential)).to_have_count(0)
    assert page.goto(f"/inbox/{confidential.public_id}/").status == 404

    # She grants herself its service from "Waiting for access" (R5).
    page.goto("/access/")
    expect(page.get_by_text(confidential.title)).to_have_count(0)
    page.locator(f"a[href$='?service={confidential.service_id}']").click()
    page.locator("#id_national_id").fill(kari.national_id)
    page.locator("#id_last_name").fill(kari.last_name)
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator(f"#service-{confidential.service_id}")).to_be_checked()
    page.locator("form.stack button[type=submit]").click()
    page.locator("form[action='/access/give/confirm/'] button").click()

    page.goto("/inbox/")
    _link_to(page, confidential).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(confidential.title)

    # She revokes it, and the message is gone on the next request (R8).
    page.goto("/access/")
    page.locator("a[href^='/access/revoke/']").click()
    page.locator("form[action^='/access/revoke/'] button[type=submit]").click()
    page.goto("/inbox/")
    expect(_link_to(page, ordinary)).to_be_visible()
    expect(_link_to(page, confidential)).to_have_count(0)
    assert page.goto(f"/inbox/{confidential.public_id}/").status == 404

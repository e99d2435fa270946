import re

from playwright.sync_api import expect

from apps.correspondences.models import Service
from apps.demo.seed import synthetic_national_id
from tests.browser.conftest import log_in

TITLE = "Sak 2026/0501 – til pedagogisk leder på avdeling Løvetann"
PDF = b"%PDF-1.4\n% Taushet\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _compose_and_send(page, solsikken, service):
    page.goto("/compose/")
    page.locator("#id_service").select_option(str(service.pk))
    page.locator("#id_recipients").fill(solsikken.number)
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_body").fill("Hei,\n\nVi ber om et **møte** neste uke.")
    page.locator("#preview-button").click()

    recipient = page.locator(f"[data-recipient='{solsikken.number}']")
    expect(recipient).to_contain_text("Solsikken barnehage AS")
    page.locator("#id_attachments").set_input_files(
        files=[{"name": "innkalling.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.locator("#send-button").click()
    expect(page.locator("#status")).to_have_attribute("data-status", "unopened")


def _give_nora_the_service(page, service):
    page.goto("/access/give/")
    page.locator("#id_national_id").fill(synthetic_national_id("110992"))
    page.locator("#id_last_name").fill("Berg")
    page.locator("form.stack button[type=submit]").click()
    page.locator(f"#service-{service.pk}").check()
    page.locator("form.stack button[type=submit]").click()
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(f"{page.url.split('/access/')[0]}/access/")


def test_caseworker_sends_confidential_mail_that_nora_opens_once_given_access(
    demo, open_page
):
    solsikken = demo["solsikken"]
    service = Service.objects.get(code="barnevern-bekymring")
    caseworker = open_page()
    log_in(caseworker, "caseworker")

    _compose_and_send(caseworker, solsikken, service)

    caseworker.goto("/sent/")
    row = caseworker.locator("tr", has_text=TITLE)
    expect(row).to_have_attribute("data-status", "unopened")
    status_url = row.get_by_role("link", name=TITLE).get_attribute("href")

    kari = open_page()
    log_in(kari, "kari")
    _give_nora_the_service(kari, service)

    nora = open_page()
    log_in(nora, "nora")
    nora.goto("/inbox/")
    nora.get_by_role("link", name=TITLE).click()
    expect(nora.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(nora.get_by_role("link", name="innkalling.pdf")).to_be_visible()

    caseworker.goto(status_url)
    expect(caseworker.locator("#status")).to_have_attribute("data-status", "opened")
    opened = caseworker.locator("[data-step='opened'] time")
    expect(opened).to_have_attribute("datetime", re.compile(r"^\d{4}-\d\d-\d\dT"))
    expect(caseworker.locator("main")).not_to_contain_text("Nora")

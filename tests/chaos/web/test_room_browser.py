"""The incident room in a real browser: a team of two and a facilitator work one live drill.

Each person has their own browser context (their own cookie), as on three laptops. Screenshots
of every step land in tmp/artefacts/ for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chaos.live import LiveDrill
from tests.chaos.support import onboarding_drill

WAIT_MS = 45_000  # drill time runs at speed 60: the page comes about 10 real seconds in


OVERLAPS_JS = """() => {
  const boxes = [...document.querySelectorAll('.story-chart svg text')].map(t => [t.textContent, t.getBBox()]);
  const hits = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const [a, p] = boxes[i], [b, q] = boxes[j];
    const apart = (s, t, ds, dt) => s + ds - 0.5 <= t || t + dt - 0.5 <= s;
    if (!apart(p.x, q.x, p.width, q.width) && !apart(p.y, q.y, p.height, q.height))
      hits.push(a + ' / ' + b);
  }
  return hits;
}"""


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveDrill]:
    with onboarding_drill(tmp_path / "d.sqlite3", speed=60) as drill:
        yield drill


def join(browser: Any, live: LiveDrill, name: str, role: str, *, width: int = 1366, height: int = 768) -> Any:
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(live.room_url)
    page.get_by_label("Your name").fill(name)
    page.locator(f"input[name=role][value={role}]").check()
    page.get_by_role("button", name="Join the room").click()
    page.wait_for_selector("#room")
    return page


def test_two_responders_and_a_facilitator_share_one_incident(browser: Any, live: LiveDrill, artefacts: Path) -> None:
    from playwright.sync_api import expect

    ana = join(browser, live, "Ana", "operations")
    ben = join(browser, live, "Ben", "commander")
    fac = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    fac.goto(live.facilitator_url)
    fac.wait_for_selector("#room[data-facilitator=yes]")
    assert "#" not in fac.url and "#" not in ana.url, "the secret fragment stays out of the address bar"

    for page in (ana, ben, fac):  # everyone gets the page
        expect(page.locator("#page-text")).to_contain_text("ALERT quality", timeout=WAIT_MS)
    expect(ana.locator("#members")).to_contain_text("Ben — incident commander")
    ana.screenshot(path=artefacts / "room-1-paged-ana.png")

    ana.locator("button[data-action=feature-off]").click()  # a control asks first; Escape changes nothing
    expect(ana.locator("#confirm-text")).to_contain_text("OFF for every user")
    expect(ana.locator("#confirm-cancel")).to_be_focused()
    ana.keyboard.press("Escape")
    expect(ana.locator("#confirm")).not_to_be_visible()

    ana.locator("#arg-fallback").select_option("cached")  # Ana contains: confirmation first
    ana.locator("button[data-action=fallback]").click()
    expect(ana.locator("#confirm-text")).to_contain_text("fallback 'cached'")
    ana.screenshot(path=artefacts / "room-2-confirm.png")
    ana.locator("#confirm-ok").click()
    contained = ben.locator("#timeline li.tl-action", has_text="cached")
    expect(contained).to_contain_text("Ana (operations)", timeout=WAIT_MS)  # Ben sees who did it

    ben.locator("#d-symptom").select_option("wrong-answers")  # Ben declares, Ana sees it
    ben.locator("#d-cause").select_option("prompt")
    ben.get_by_role("button", name="Declare").click()
    ben.locator("#note-text").fill("told support: answers paused, cached ones served")
    ben.get_by_role("button", name="Add note").click()
    for page in (ana, ben):
        expect(page.locator("#timeline li.tl-declaration")).to_contain_text("cause prompt", timeout=WAIT_MS)
        expect(page.locator("#timeline li.tl-note")).to_contain_text("told support", timeout=WAIT_MS)
        expect(page.locator("#timeline li.tl-note .who")).to_have_text("Ben (incident commander)")

    fac.get_by_role("tab", name="Facilitator").click()  # the facilitator sees the truth and who did what
    expect(fac.locator(".truth")).to_contain_text("CHG-102")
    expect(fac.locator("#people")).to_contain_text("Ana")
    fac.locator("#inject-type").select_option("latency")  # the facilitator injects a fault with parameters
    fac.locator("#p-latency-ttft_ms").fill("2500")
    fac.get_by_role("button", name="Inject", exact=True).click()
    expect(fac.locator("#confirm-text")).to_contain_text('"ttft_ms":2500')
    fac.locator("#confirm-ok").click()
    expect(fac.locator("#timeline li.tl-fault_started", has_text="latency")).to_be_visible(timeout=WAIT_MS)
    fac.get_by_role("button", name="Pause").click()
    fac.locator("#confirm-ok").click()
    for page in (ana, ben):
        expect(page.locator("#banner")).to_contain_text("PAUSED", timeout=WAIT_MS)
        expect(page.locator("#state")).to_have_text("PAUSED")
        expect(page.locator("#timeline li.tl-fault_started")).to_have_count(0)  # faults are the facilitator's
    ben.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # scrolled down to the forms, PAUSED stays in view
    assert ben.evaluate("window.scrollY") > 0
    assert ben.evaluate("document.querySelector('#banner').getBoundingClientRect().top") < 120
    ben.screenshot(path=artefacts / "room-3-paused-ben.png")
    fac.screenshot(path=artefacts / "room-4-facilitator.png", full_page=True)

    fac.get_by_role("button", name="End the drill").click()
    fac.locator("#confirm-ok").click()
    for page in (ana, ben):
        expect(page.locator("#banner")).to_contain_text("ENDED", timeout=WAIT_MS)
    ana.screenshot(path=artefacts / "room-5-ended-ana.png")
    ana.get_by_role("link", name="Open the debrief").click()
    expect(ana.locator("#overall")).to_be_visible()
    chart = ana.locator(".story-chart svg")
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("Ana")  # the chart names who acted
    expect(chart).to_contain_text("injected latency")
    overlaps = ana.evaluate(OVERLAPS_JS)
    assert not overlaps, f"chart labels overlap as the browser draws them: {overlaps}"
    ana.screenshot(path=artefacts / "debrief-ana.png", full_page=True)
    for page in (ana, ben, fac):
        page.context.close()


def test_one_browser_switches_person_by_link_or_by_leaving_and_acts_only_as_who_it_is_now(
        browser: Any, live: LiveDrill, artefacts: Path) -> None:
    from playwright.sync_api import expect

    page = join(browser, live, "Ana", "operations")  # one laptop, passed round the table
    page.locator("#note-text").fill("ana was here")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("#timeline li.tl-note .who")).to_have_text("Ana (operations)", timeout=WAIT_MS)

    page.goto(live.facilitator_url)  # the facilitator's link in the same browser makes it the facilitator's
    page.wait_for_selector("#room[data-facilitator=yes]")
    assert "#" not in page.url

    page.get_by_role("button", name="Leave").click()  # and leaving hands it to the next person
    page.wait_for_selector("#join-form")
    page.goto(live.room_url)
    page.get_by_label("Your name").fill("Ben")
    page.locator("input[name=role][value=scribe]").check()
    page.get_by_role("button", name="Join the room").click()
    page.wait_for_selector("#room[data-facilitator=no]")
    page.locator("#note-text").fill("ben now")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("#timeline li.tl-note", has_text="ben now").locator(".who")).to_have_text(
        "Ben (scribe)", timeout=WAIT_MS)
    expect(page.locator("#timeline li.tl-note", has_text="ana was here").locator(".who")).to_have_text(
        "Ana (operations)")
    page.screenshot(path=artefacts / "room-6-switched-to-ben.png")
    notes = {e.data["text"]: e.actor for e in live.drill.log.events(live.drill.id) if e.kind.value == "note"}
    assert notes == {"ana was here": "Ana", "ben now": "Ben"}
    page.context.close()

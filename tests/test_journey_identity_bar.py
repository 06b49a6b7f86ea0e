"""The identity bar at 320 px in Debian's Chromium (issue 18: "The identity
bar's aria-label on a div is ignored by screen readers (give it a role or
drop the label) and its words spread apart at 320 px")."""

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each line of the bar's title: the widest gap between two words on it.
WIDEST_GAP = """() => {
  const title = document.querySelector('.moj-identity-bar__title');
  const range = document.createRange();
  const gaps = [];
  const walker = document.createTreeWalker(title, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const text = node.textContent;
    for (let i = 0; i < text.length; i++) {
      if (text[i] !== ' ') continue;
      range.setStart(node, i); range.setEnd(node, i + 1);
      const rect = range.getBoundingClientRect();
      if (rect.width) gaps.push(rect.width);
    }
  }
  return Math.max(0, ...gaps);
}"""


def test_the_identity_bar_is_a_named_region_whose_words_wrap_at_320px(
    _roles, live_server, page, request
):
    from yos.tests.factories import TeamFactory

    user = request.getfixturevalue("case_manager")
    user.teams.add(TeamFactory(name="Youth justice prevention and early help north east"))
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, live_server, "casemanager")
    bar = page.get_by_role("region", name="Signed-in user")
    expect(bar).to_contain_text("Casey Morgan")
    expect(bar).to_contain_text("Case manager")
    assert page.evaluate(
        "() => getComputedStyle(document.querySelector('.moj-identity-bar__title')).textAlign"
    ) in ("left", "start")
    assert page.evaluate(WIDEST_GAP) < 12, "words on a wrapped line are not spread apart"
    width = page.evaluate(
        "() => [document.querySelector('.moj-identity-bar').scrollWidth,"
        " document.querySelector('.moj-identity-bar').clientWidth]"
    )
    assert width[0] <= width[1], width
    assert_accessible(page)

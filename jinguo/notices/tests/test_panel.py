"""The home panel: her unit's receipts to sign or complete, unsigned first, due soonest."""

import pytest
from django.urls import reverse

from jinguo.notices import services
from jinguo.notices.choices import NoticeKind

from .factories import make_notice

pytestmark = pytest.mark.django_db


def panel_rows(client, user):
    client.force_login(user)
    r = client.get(reverse("core:home"))
    assert r.status_code == 200
    return r, r.content.decode()


def test_panel_orders_unsigned_first_then_due_soonest(tree, community_chair, client):
    far = make_notice(tree.street_a, due_in=20)
    near = make_notice(tree.street_a, due_in=3)
    signed = make_notice(tree.street_a, due_in=1)
    services.receipt_acknowledge(
        user=community_chair, receipt=signed.receipts.get(org=tree.community_a)
    )
    plain = make_notice(tree.street_a, kind=NoticeKind.NOTICE)
    finished = make_notice(tree.street_a, due_in=2)
    services.receipt_complete(
        user=community_chair, receipt=finished.receipts.get(org=tree.community_a), note="完成"
    )
    _r, html = panel_rows(client, community_chair)
    assert 'data-testid="panel-notices-inbox"' in html
    order = [near.title, far.title, plain.title, signed.title]
    positions = [html.index(t) for t in order]
    assert positions == sorted(positions)
    assert finished.title not in html


def test_panel_shows_nothing_of_another_branch(tree, other_chair, client):
    notice = make_notice(tree.street_a, due_in=3)
    _r, html = panel_rows(client, other_chair)
    assert notice.title not in html
    assert 'data-testid="panel-notices-inbox"' not in html


def test_the_issuer_has_no_inbox_rows_for_what_she_sent(tree, street_officer, client):
    make_notice(tree.street_a, due_in=3)
    _r, html = panel_rows(client, street_officer)
    assert 'data-testid="panel-notices-inbox"' not in html


def test_issuer_panel_lists_what_units_have_not_done(tree, street_officer, community_chair, client):
    from jinguo.notices import services as notice_services

    open_task = make_notice(tree.street_a, due_in=3)
    done = make_notice(tree.street_a, kind=NoticeKind.NOTICE, receivers=[tree.community_a])
    notice_services.receipt_acknowledge(user=community_chair, receipt=done.receipts.get())
    _r, html = panel_rows(client, street_officer)
    assert 'data-testid="panel-notices-sent"' in html
    assert open_task.title in html and "2/2 个单位未办结" in html
    assert done.title not in html
    _r, html = panel_rows(client, community_chair)
    assert 'data-testid="panel-notices-sent"' not in html

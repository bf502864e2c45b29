"""Public gallery pages: a contest's photos, one photo's page, hashtag pages, share cards."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any, cast

import anyio.to_thread
from markupsafe import escape
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from contest.contests import store as contest_store
from contest.contests.model import Contest
from contest.core.clock import to_db
from contest.core.db import Row
from contest.core.errors import NotFound, NotSignedIn
from contest.core.forms import FormValues, whole_number
from contest.entries import replies
from contest.entries import store as entry_store
from contest.gallery import listing, views
from contest.i18n import N_, current_locale, html_lang
from contest.media.photos import share_card_of
from contest.voting import tallies
from contest.voting.clicks import counts_visible
from contest.web.context import (
    absolute,
    browser_id,
    client_address,
    current_user,
    form_token,
    now,
    read_form,
    redirect,
    require_user,
    services,
)
from contest.web.language import request_locale
from contest.web.notices import with_notice
from contest.web.preview import LIKES_OFF_IN_PREVIEW, previewed
from contest.web.preview import banner as preview_banner
from contest.web.public.gallery_pages import (
    GalleryQuery,
    Links,
    Snapshot,
    Viewer,
    load_snapshot,
    page_html,
    split_for_token,
)
from contest.web.public.media import etag_of
from contest.web.public.voters import email_voter, request_voter
from contest.web.rendering import render

CARD_CACHE = "public, max-age=86400"


async def _contest(request: Request, slug: str) -> Contest:
    """The contest at a gallery's address, from the gallery cache (a moment old at most)."""
    user = await current_user(request)
    svc = services(request)
    drafts = bool(user and user.is_organizer)
    contest: Contest = await svc.gallery_cache.get(
        ("gallery-contest", slug, drafts),
        lambda: contest_store.get_contest_by_slug(svc.db, slug, include_unpublished=drafts),
    )
    return contest


def _visitor_seed(request: Request) -> str:
    return browser_id(request) or client_address(request)


async def counts_shown(contest: Contest, request: Request) -> bool:
    """Whether this request's visitor may see like counts (see ``counts_visible``)."""
    return counts_visible(contest, await current_user(request), now(request))


def card_address(request: Request, entry: Row, contest: Contest) -> str:
    """The share card's address, versioned by what is drawn on it so previews never go stale."""
    drawn = (
        f"{entry['title']}|{entry['display_key']}|{contest.settings.title}"
        f"|{contest.settings.hashtag}"
    )
    version = hashlib.sha256(drawn.encode()).hexdigest()[:12]
    return absolute(request, "share_card", entry_id=entry["id"]) + f"?v={version}"


async def shown_entry(request: Request) -> tuple[Row, Contest]:
    """An approved entry of a contest the visitor may see (drafts only for organizers)."""
    db = services(request).db
    entry = await listing.public_entry(db, request.path_params["entry_id"])
    contest = await contest_store.get_contest(db, entry["contest_id"])
    user = await current_user(request)
    if not contest.settings.is_published and not (user and user.is_organizer):
        raise NotFound()
    return entry, contest


async def _snapshot(
    request: Request, contest: Contest, *, category_id: int | None = None, tag: str | None = None
) -> Snapshot:
    """The gallery's entries (and like counts) from a cache of CONTEST_GALLERY_CACHE_SECONDS
    (1 s by default), which a like forgets at once."""
    svc = services(request)
    key = ("gallery", contest.id, category_id, tag)
    previous = svc.gallery_cache.stale(key)
    return cast(
        Snapshot,
        await svc.gallery_cache.get(
            key,
            lambda: load_snapshot(
                svc.db, contest, category_id=category_id, tag=tag, previous=previous
            ),
        ),
    )


def _sort_of(request: Request, contest: Contest) -> str:
    sort = request.query_params.get("sort", "")
    moment = now(request)
    return (
        sort
        if sort in listing.allowed_sorts(contest, moment)
        else listing.default_sort(contest, moment)
    )


async def _like_context(request: Request, contest: Contest, rows: list[Row]) -> dict[str, Any]:
    """Which of these entries the visitor likes, whether they may vote, and why not."""
    user = await current_user(request)
    moment = now(request)
    # A like posts at the real time, so a previewed page never invites one (web.preview).
    likes_off = previewed(request)
    voting = contest.schedule.voting_is_open(moment) and not likes_off
    liked: set[int] = set()
    # When voting is not open, or how to vote, the page's voting banner says once
    # (templates/public/_voting_banner.html), not a note under every like button.
    like_via = ""
    try:
        voter = await request_voter(request, contest)
        liked = await tallies.liked_by(
            services(request).db, voter.key, [row["id"] for row in rows], aliases=voter.aliases
        )
    except NotSignedIn:
        # The like button becomes a form that leads to sign-in (or the voting-by-email page).
        like_via = contest.settings.like_via
    return {
        "liked_ids": liked,
        "can_vote": voting,
        "vote_note": LIKES_OFF_IN_PREVIEW if likes_off else "",
        "voter_known": not like_via,
        "like_via": like_via if voting else "",
        "user_id": user.id if user else None,
        "offer_vote_link": voting
        and user is None
        and contest.settings.voting_mode == "email"
        and email_voter(request, contest) is None,
    }


def _query_of(request: Request, contest: Contest) -> GalleryQuery:
    params = request.query_params
    return GalleryQuery(
        category_id=whole_number(params.get("category", "")),
        tag=params.get("tag", "").lstrip("#"),
        sort=_sort_of(request, contest),
        sort_chosen="sort" in params,
        page=whole_number(params.get("page", "1")) or 1,
    )


def _page_context(
    request: Request, contest: Contest, query: GalleryQuery, page: listing.Page, **more: Any
) -> dict[str, Any]:
    """What gallery.html needs besides the cards (and what base.html needs)."""
    svc = services(request)
    moment = now(request)
    return {
        "contest": contest,
        "page": page,
        "sort": query.sort,
        "sorts": listing.allowed_sorts(contest, moment),
        "category": query.category_id,
        "tag": query.tag,
        "og_image": absolute(request, "share_card", entry_id=page.entries[0]["id"])
        if page.entries
        else None,
        "config_url": absolute(request, "contest_gallery", slug=contest.slug),
        "query_for": query.link,
        "now": moment,
        "errors": {},
        "form": FormValues(),
        "site_url": svc.config.base_url.rstrip("/"),
        **more,
    }


async def contest_gallery(request: Request) -> Response:
    """The contest's approved photos: filters, a fair order, pages of 24.

    Visitors who are not signed in and like nothing on the page share one cached rendering
    of it per order (see contest/web/gallery_pages.py); everyone else gets theirs assembled
    from cached cards.
    """
    svc = services(request)
    contest = await _contest(request, request.path_params["slug"])
    query = _query_of(request, contest)
    snapshot = await _snapshot(
        request, contest, category_id=query.category_id, tag=query.tag or None
    )
    ordered = snapshot.ordered(query.sort, _visitor_seed(request))
    page = listing.paginate(ordered, query.page)
    like_context = await _like_context(request, contest, page.entries)
    viewer = Viewer(
        liked_ids=frozenset(like_context["liked_ids"]),
        user_id=like_context["user_id"],
        can_vote=like_context["can_vote"],
        vote_note=like_context["vote_note"],
        like_via=like_context["like_via"],
        counts_shown=await counts_shown(contest, request),
        authors_shown=contest.names_authors(now(request)),
    )
    links = Links(request)
    user = await current_user(request)
    offer = like_context["offer_vote_link"]
    # A page an organizer previews at another moment (web.preview) is never kept for others.
    shared = user is None and not viewer.liked_ids and preview_banner(request) is None
    # The first entry and the page number pin down which entries a page shows, since every
    # visitor's order is a rotation of one shuffle (or the same sorted list); the page number
    # is the one shown, so ?page=999 and the last page share one rendering.
    first = page.entries[0]["id"] if page.entries else None
    shown = replace(query, page=page.number)
    locale = await request_locale(request)
    key = (locale, links.root, shown, first, viewer, offer, contest.phase(now(request)))
    parts = snapshot.pages.get(key) if shared else None
    if parts is None:
        here = query.here(links("contest_gallery", slug=contest.slug), page.number)
        context = _page_context(
            request,
            contest,
            query,
            page,
            categories=snapshot.categories,
            here=here,
            user=user,
            offer_vote_link=offer,
            voter_known=like_context["voter_known"],
            banner_next=here,
            brand=await svc.brand(),
            preview_banner=preview_banner(request),
            locale=locale,
            html_lang=html_lang(locale),
        )
        reset_to = current_locale.set(locale)
        try:
            html = page_html(svc.templates.env, snapshot, viewer, context, links)
        finally:
            current_locale.reset(reset_to)
        parts = split_for_token(html)
        if shared:
            snapshot.keep_page(key, parts)
    token = str(escape(form_token(request))).encode()
    return Response(token.join(parts), media_type="text/html")


async def entry_page(request: Request) -> Response:
    """One photo: large, its words, like button, share buttons, and neighbours to swipe to."""
    db = services(request).db
    entry, contest = await shown_entry(request)
    user = await current_user(request)
    await _count_view(request, contest, entry)
    snapshot = await _snapshot(request, contest)
    ordered = snapshot.ordered(_sort_of(request, contest), _visitor_seed(request))
    before, after = listing.neighbours(ordered, entry["id"])
    hashtags = await entry_store.hashtags_of(db, entry["id"])
    like_context = await _like_context(request, contest, [entry])
    own = user is not None and user.id == entry["participant_id"]
    if own:
        like_context |= {"can_vote": False, "vote_note": N_("This is your photo.")}
    # Back from signing in to like this photo (?like=1): one pre-focused button confirms the
    # like, a CSRF-checked POST like any other (a GET never likes).
    confirm_like = (
        request.query_params.get("like") == "1"
        and like_context["can_vote"]
        and like_context["voter_known"]
        and entry["id"] not in like_context["liked_ids"]
    )
    page_url = absolute(request, "entry_page", entry_id=entry["id"])
    reply_rows = await replies.replies_to(db, entry["id"])
    context = {
        "contest": contest,
        "entry": entry,
        "author": listing.credit(entry),
        "hashtags": hashtags,
        "before": before,
        "after": after,
        "counts_shown": await counts_shown(contest, request),
        "authors_shown": contest.names_authors(now(request)),
        "page_url": page_url,
        "card_url": card_address(request, entry, contest),
        "networks": views.NETWORKS,
        "replies": reply_rows,
        "changeable_replies": replies.changeable_ids(reply_rows, user, now(request)),
        "reply_edit_minutes": int(replies.EDIT_WINDOW.total_seconds() // 60),
        "share_text": f"{entry['title']} #{contest.settings.hashtag}",
        "can_invite_friends": replies.can_invite_friends(contest, now(request)),
        "confirm_like": confirm_like,
        **like_context,
    }
    return await render(request, "public/entry.html", context)


async def _count_view(request: Request, contest: Contest, entry: Row) -> None:
    """Hand the request's browser id, agent and sources to the view counter."""
    headers, query = request.headers, request.query_params
    visit = views.Visit(
        browser=browser_id(request),  # on a first visit, the id this response hands out
        user_agent=headers.get("user-agent", ""),
        channel=query.get("src", ""),
        utm_source=query.get("utm_source", ""),
        referrer=headers.get("referer", ""),
        site_host=request.url.hostname or "",
        fetch_dest=headers.get("sec-fetch-dest", ""),
        purpose=headers.get("sec-purpose", headers.get("purpose", "")),
        method=request.method,
    )
    await views.count_view(
        services(request).db,
        services(request).config.secret_key or "",
        entry_id=entry["id"],
        author_id=entry["participant_id"],
        viewer=await current_user(request),
        visit=visit,
        tz_name=contest.settings.timezone,
        now=services(request).clock(),  # a write: the real time, even on a previewed page
    )


async def reply(request: Request) -> Response:
    """An organizer answers an entry: shown on its page and mailed to the author."""
    user = await require_user(request, "organizer")
    entry, contest = await shown_entry(request)
    form = await read_form(request)
    link = absolute(request, "entry_page", entry_id=entry["id"])
    invite = form.get("invite_friends") == "yes"
    await replies.add_reply(
        services(request).db,
        entry_id=entry["id"],
        author=user,
        body=form.get("body"),
        entry_link=link,
        now=now(request),
        invitation=replies.friends_invitation(contest, link, now=now(request)) if invite else "",
    )
    return with_notice(request, redirect(request, "entry_page", entry_id=entry["id"]), "replied")


def _reply_id(form: FormValues) -> int:
    reply_id = whole_number(form.get("reply_id"))
    if reply_id is None:
        raise NotFound(N_("There is no such reply."))
    return reply_id


async def edit_reply(request: Request) -> Response:
    """The organizer who wrote a reply corrects it, while its mail has not gone."""
    return await _change_reply(request, "edit")


async def delete_reply(request: Request) -> Response:
    """The organizer who wrote a reply takes it back, while its mail has not gone."""
    return await _change_reply(request, "delete")


async def _change_reply(request: Request, change: str) -> Response:
    form = await read_form(request)
    user = await require_user(request, "organizer")
    entry, _ = await shown_entry(request)
    db, reply_id, at = services(request).db, _reply_id(form), now(request)
    if change == "edit":
        await replies.edit_reply(
            db, entry_id=entry["id"], reply_id=reply_id, author=user, body=form.get("body"), now=at
        )
    else:
        await replies.delete_reply(db, entry_id=entry["id"], reply_id=reply_id, author=user, now=at)
    return redirect(request, "entry_page", entry_id=entry["id"])


async def share(request: Request) -> Response:
    """Count a share click, then hand over to the network's share page."""
    network = request.path_params["network"]
    if network not in views.NETWORKS:
        raise NotFound(N_("We don't share to that network."))
    db = services(request).db
    entry, contest = await shown_entry(request)
    await views.record_share(db, entry_id=entry["id"], network=network, now=now(request))
    target = views.share_target(
        network,
        url=absolute(request, "entry_page", entry_id=entry["id"]),
        text=f"{entry['title']} #{contest.settings.hashtag}",
    )
    return RedirectResponse(target, status_code=303)


async def share_card(request: Request) -> Response:
    """The entry's 1200x630 preview image, made once and kept: in the contest's main language
    whoever asks first (link previews are shown to everyone; the album draws its own)."""
    svc = services(request)
    entry, contest = await shown_entry(request)
    key = await share_card_of(
        svc.db,
        svc.storage,
        entry,
        hashtag=contest.settings.hashtag,
        contest_title=contest.settings.title,
        limiter=svc.image_limiter,
    )
    data = await anyio.to_thread.run_sync(svc.storage.read, key)  # a folder's or a bucket's
    headers = {"Cache-Control": CARD_CACHE, "ETag": etag_of(key)}
    return Response(data, media_type="image/jpeg", headers=headers)


async def hashtag_page(request: Request) -> Response:
    """Every approved photo with a hashtag, across published contests."""
    tag = request.path_params["tag"].lstrip("#")
    rows = await listing.tag_entries(services(request).db, tag)
    judged = to_db(now(request))
    context = {"tag": tag, "entries": rows, "credit": listing.credit, "judged_before": judged}
    return await render(request, "public/hashtag.html", context)


routes = [
    Route("/contests/{slug}/gallery", contest_gallery, name="contest_gallery"),
    Route("/entries/{entry_id:int}", entry_page, name="entry_page"),
    Route("/entries/{entry_id:int}/card.jpg", share_card, name="share_card"),
    Route("/entries/{entry_id:int}/share/{network}", share, name="share"),
    Route("/entries/{entry_id:int}/replies", reply, methods=["POST"], name="reply"),
    Route("/entries/{entry_id:int}/replies/edit", edit_reply, methods=["POST"], name="edit_reply"),
    Route(
        "/entries/{entry_id:int}/replies/delete",
        delete_reply,
        methods=["POST"],
        name="delete_reply",
    ),
    Route("/hashtags/{tag}", hashtag_page, name="hashtag"),
]

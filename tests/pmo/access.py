from pmo.models import NoticeKind
from pmo.permissions import Role
from tests.access import Route, method_not_allowed, public, statuses

SIGNED_IN_REDIRECTED = {r: 302 for r in list(statuses())[1:]}

ROUTES = [
    Route("healthz", get=public(200), post=method_not_allowed(anonymous=405)),
    Route("accessibility", get=public(200), post=method_not_allowed(anonymous=405)),
    # A signed-in user is sent on from the sign-in page; an empty sign-in
    # form comes back to an anonymous user with its errors.
    Route("login", get=public(200) | SIGNED_IN_REDIRECTED, post=public(200) | SIGNED_IN_REDIRECTED),
    Route("logout", get=method_not_allowed(), post=public(302)),
    # Everyone with a role chooses their own e-mail notices; a valid choice
    # is saved and redirects, so POST sends one.
    Route(
        "notification_preferences",
        get=statuses(200),
        post=statuses(302),
        post_data=lambda world: {kind: "digest" for kind in NoticeKind.values},
    ),
    Route("notice_log", get=statuses(200, allowed={Role.PMO}), post=method_not_allowed()),
    # Admin is Django's own: one entry covers its include. Only PMO are staff.
    Route(
        "admin:index",
        get=statuses(200, allowed={Role.PMO}, refused=302),
        post=statuses(200, allowed={Role.PMO}, refused=302),
    ),
]

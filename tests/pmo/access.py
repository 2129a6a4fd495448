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
    # Admin is Django's own: one entry covers its include. Only PMO are staff.
    Route(
        "admin:index",
        get=statuses(200, allowed={Role.PMO}, refused=302),
        post=statuses(200, allowed={Role.PMO}, refused=302),
    ),
]

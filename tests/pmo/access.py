from tests.access import Route, public, statuses

ROUTES = [
    Route("healthz", get=public(200)),
    Route("accessibility", get=public(200)),
    Route("login", get=public(200) | {r: 302 for r in list(statuses())[1:]}),
    Route("logout", post=public(302)),
    # Admin is Django's own: one entry covers its include. Only PMO are staff.
    Route("admin:index", get=statuses(200, allowed={"PMO"}, refused=302)),
]

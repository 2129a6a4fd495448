from tests.access import Route, statuses

ROUTES = [
    Route("portfolio:dashboard", get=statuses(200)),
]

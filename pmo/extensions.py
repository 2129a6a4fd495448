"""The one registry of what each app adds to the service as a whole: its
sections of the monthly packs, its tabs on the project page, and its share
of the demo council.

Each app registers its own in its AppConfig.ready() (benefits/apps.py,
prioritisation/apps.py, portfolio/partners/apps.py, portfolio/apps.py), so
this module imports no app, and nothing is found by importing a module by
its name. The apps are not optional: an installed app has registered, and
the readers (pmo.reports.collect_sections, the project page, seed_demo)
take these lists in the order the apps registered, which is
INSTALLED_APPS' order (the domain's: portfolio, prioritisation, benefits,
partners).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# app label -> pack_sections(kind, period) -> [pmo.reports.Section]
PACK_SECTIONS: dict[str, Callable[[str, datetime.date], list]] = {}
# (app label, tabs(request, project) -> [tab dict]), in order
PROJECT_TABS: list[tuple[str, Callable[[Any, Any], list[dict]]]] = []


@dataclass(frozen=True)
class DemoData:
    """An app's part of the demo council: `seed(ctx)` for the demo, and
    `seed_scale(ctx, projects)` for the benchmarks' larger councils."""

    app: str
    seed: Callable
    seed_scale: Callable | None = None


DEMO_DATA: list[DemoData] = []


def register_pack_sections(app: str, pack_sections: Callable) -> None:
    PACK_SECTIONS[app] = pack_sections


def register_project_tabs(app: str, tabs: Callable) -> None:
    if all(label != app for label, _ in PROJECT_TABS):
        PROJECT_TABS.append((app, tabs))


def register_demo(app: str, seed: Callable, seed_scale: Callable | None = None) -> None:
    if all(entry.app != app for entry in DEMO_DATA):
        DEMO_DATA.append(DemoData(app, seed, seed_scale))

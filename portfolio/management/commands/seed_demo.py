"""Load the demo council. Safe to run again: nothing is created twice.

The register's own demo data comes first; each other app adds its part
(`seed(ctx)` and, for benchmarks, `seed_scale(ctx, projects)`) through
pmo.extensions.register_demo, in the domain's order.
"""

import secrets
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from pmo import extensions, notifications
from portfolio import demo as portfolio_demo
from portfolio.demo import DEMO_USERS, DemoContext


class Command(BaseCommand):
    help = "Load the demo council (Thamesford Council) with one sign-in per role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help="Password for the demo sign-ins (default: a new random one, printed).",
        )
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            metavar="N",
            help="Also add N synthetic projects with updates, scores and benefits, for benchmarks.",
        )

    def handle(self, *args, password=None, scale=0, **options):
        if scale < 0:
            raise CommandError("--scale must be zero or a positive number of projects")
        password = password or secrets.token_urlsafe(12)
        ctx = DemoContext(today=timezone.localdate(), password=password)
        started = time.monotonic()
        try:
            with transaction.atomic(), notifications.suppressed():
                portfolio_demo.seed(ctx)
                for app in extensions.DEMO_DATA:
                    app.seed(ctx)
            if scale:
                with transaction.atomic(), notifications.suppressed():
                    projects = portfolio_demo.seed_scale(ctx, scale)
                    for app in extensions.DEMO_DATA:
                        if app.seed_scale is not None:
                            app.seed_scale(ctx, projects)
        except Exception as exc:
            raise CommandError(f"Demo data was not loaded: {exc}") from exc
        for line in ctx.log:
            self.stdout.write(f"  {line}")
        self.stdout.write(
            self.style.SUCCESS(f"Demo council loaded in {time.monotonic() - started:.1f}s.")
        )
        self.stdout.write("Sign in at http://127.0.0.1:8000/login/ as any of:")
        for username, first, last, role in DEMO_USERS:
            self.stdout.write(f"  {username:<8} {role.value:<16} ({first} {last})")
        self.stdout.write(f"Password for all {len(DEMO_USERS)}: {password}")

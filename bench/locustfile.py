"""Locust users for bench/load.py: each signs in as one of the roles and
walks a realistic PMO day. Run through bench/load.py, which starts the server
and checks afterwards that every accepted update is in the database.

Environment (set by bench/load.py):
    PMO_LOAD_PASSWORD      password of the demo sign-ins
    PMO_LOAD_REFERENCES    file with project references free for an update this month
    PMO_LOAD_POSTED        file the accepted POSTs are appended to (one reference a line)
"""

import os
import random
import re

from locust import FastHttpUser, between, task

PASSWORD = os.environ.get("PMO_LOAD_PASSWORD", "bench-password-2026")
ROLES = ["pmo", "pm", "sponsor", "clt", "finance", "viewer"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PERIOD = re.compile(r'<option value="(\d{4}-\d{2}-01)"[^>]*selected')

with open(os.environ.get("PMO_LOAD_REFERENCES", os.devnull)) as handle:
    FREE_REFERENCES = [line.strip() for line in handle if line.strip()]
random.Random(7).shuffle(FREE_REFERENCES)
POSTED_FILE = os.environ.get("PMO_LOAD_POSTED", os.devnull)


class PmoUser(FastHttpUser):
    # FastHttpUser (geventhttpclient) rather than HttpUser (requests): Locust
    # shares the 2 cores with the server it measures, and this client needs a
    # fraction of the CPU per request, which goes to the server instead.
    # The target is 150 requests a second from 50 users: one request every
    # third of a second each, so the pause between pages averages 0.25 s
    # (with 0.2-1.0 s, 50 users could never ask for more than ~80 a second).
    wait_time = between(0.1, 0.4)

    def on_start(self):
        self.username = random.choice(ROLES)
        page = self.client.get("/login/", name="/login/")
        token = CSRF.search(page.text).group(1)
        self.client.post(
            "/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/login/"},
            name="/login/ POST",
        )
        self.references = [ref for ref in FREE_REFERENCES[:200]] or ["TP-0001"]

    @task(5)
    def register_with_filters(self):
        stage = random.choice(["delivery", "discovery", "business_case", ""])
        self.client.get(f"/projects/?stage={stage}&q=project", name="/projects/?filters")

    @task(4)
    def project_detail(self):
        self.client.get(f"/projects/{random.choice(self.references)}/", name="/projects/[ref]/")

    @task(3)
    def dashboard(self):
        self.client.get("/", name="/")

    @task(2)
    def grid(self):
        self.client.get("/prioritisation/grid/", name="/prioritisation/grid/")

    @task(2)
    def benefits_tracker(self):
        self.client.get("/benefits/", name="/benefits/")

    @task(1)
    def monthly_update(self):
        """PMO submits a monthly update for a project that has none this month."""
        if self.username != "pmo" or not FREE_REFERENCES:
            return
        reference = FREE_REFERENCES.pop()
        url = f"/projects/{reference}/updates/new/"
        form = self.client.get(url, name="/projects/[ref]/updates/new/")
        if form.status_code != 200:
            return
        period = PERIOD.search(form.text)
        response = self.client.post(
            url,
            {
                "csrfmiddlewaretoken": CSRF.search(form.text).group(1),
                "period": period.group(1) if period else "",
                "delivery_confidence": "A",
                "schedule_rag": "A",
                "cost_rag": "G",
                "benefits_rag": "A",
                "resources_rag": "G",
                "risk_rag": "A",
                "progress": "Load test: progress this period.",
                "next_steps": "Load test: plans for next period.",
                "path_to_green": "Load test: recover the plan by next quarter.",
            },
            headers={"Referer": self.host + url},
            allow_redirects=False,
            name="/projects/[ref]/updates/new/ POST",
        )
        if response.status_code == 302:
            with open(POSTED_FILE, "a") as handle:
                handle.write(reference + "\n")

"""Template filters and tags every page shares: money, UK dates, financial
years, RAG tags and permission checks. Loaded as a builtin."""

import datetime
import logging
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from benefits.money import financial_year_of, fy_label
from pmo import permissions

register = template.Library()
logger = logging.getLogger(__name__)


def _format_pounds(value, places: int) -> str:
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    quantum = Decimal(1) if places == 0 else Decimal("0.01")
    amount = amount.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.{places}f}"


@register.filter
def money(value) -> str:
    """£1,234,567: whole pounds, for summaries and charts."""
    return _format_pounds(value, 0)


@register.filter
def money_exact(value) -> str:
    """£1,234,567.89: to the penny, for finance tables and ledgers."""
    return _format_pounds(value, 2)


@register.filter
def ukdate(value) -> str:
    """23 Nov 2026."""
    if not value:
        return "—"
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{value.day} {value:%b %Y %H:%M}"
    return f"{value.day} {value:%b %Y}"


def phrase(words, last: str) -> str:
    """Words joined as English does: "a", "a and b", "a, b and c" (with
    `last` the word before the last one: "and", "or")."""
    words = [str(word) for word in words]
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


@register.filter
def and_list(words) -> str:
    """Words as a phrase: "stage", "stage and workstream",
    "stage, workstream and year"."""
    return phrase(words, "and")


@register.filter
def fy(value) -> str:
    """A date or a starting year, as the financial year '2025/26'."""
    if value in (None, ""):
        return "—"
    if isinstance(value, datetime.date):
        value = financial_year_of(value)
    return fy_label(int(value))


RAG_CLASSES = {
    "G": "govuk-tag--green",
    "AG": "govuk-tag--turquoise",
    "A": "govuk-tag--yellow",
    "AR": "govuk-tag--orange",
    "R": "govuk-tag--red",
}


@register.simple_tag
def rag_tag(code, label=None):
    """A RAG rating as a GOV.UK tag: the text always says the rating, so
    colour is never the only signal."""
    if not code:
        return format_html(
            '<strong class="govuk-tag govuk-tag--grey">{}</strong>', label or "No update"
        )
    if label is None:
        from portfolio.rag import rag_label

        label = rag_label(code)
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>', RAG_CLASSES.get(code, "govuk-tag--grey"), label
    )


@register.simple_tag(takes_context=True)
def can(context, action, obj=None) -> bool:
    """{% can "update_project" project as may_update %}"""
    return permissions.can(context["request"].user, action, obj)


class DataCacheNode(template.Node):
    def __init__(self, fragment, part, nodelist):
        self.fragment = template.Variable(fragment)
        self.part = part
        self.nodelist = nodelist

    def render(self, context):
        try:
            fragment = self.fragment.resolve(context)
        except template.VariableDoesNotExist:
            fragment = None  # a view that renders this template uncached
        if fragment is None or fragment.part != self.part:
            # Or another block of this template is the one cached for this response.
            return self.nodelist.render(context)
        # Forms in a kept page carry a placeholder where each reader's own
        # CSRF token goes: a token must never be served to another reader.
        token = context.get("csrf_token")
        if fragment.hit:
            return with_csrf_token(fragment.html, token)
        if not fragment.enabled:
            return self.nodelist.render(context)
        try:
            with context.push(csrf_token=CSRF_PLACEHOLDER):
                html = self.nodelist.render(context)
        except BaseException:
            fragment.release()
            raise
        if token and str(token) in html:
            # Something in the block rendered with the request's own context
            # (render_to_string(..., request)) and wrote this reader's token:
            # served to them, never kept for anyone else.
            logger.warning("Not keeping %s: it holds the reader's CSRF token", fragment.key)
            fragment.release()
            return html
        fragment.store(html)
        return with_csrf_token(html, token)


# What {% csrf_token %} and {{ csrf_token }} write inside a kept block instead
# of the token: the same in every worker (they share the renders), and
# markup no escaped text can contain (a title or a search that spells it
# out is written &lt;...&gt;), so only the token's own places are filled in.
CSRF_PLACEHOLDER = mark_safe("<pmo-csrf-token>")  # noqa: S308  # nosec B308 B703


def with_csrf_token(html: str, token) -> str:
    """A kept render with this reader's CSRF token in its forms (reading the
    token is what makes Django send the cookie that goes with it)."""
    return html.replace(CSRF_PLACEHOLDER, str(token or ""))


@register.tag
def datacache(parser, token):
    """{% datacache fragment ["part"] %}...{% enddatacache %}: the block's HTML
    from pmo.datacache when the data under it is unchanged (see that module)."""
    bits = token.split_contents()
    if len(bits) not in (2, 3):
        raise template.TemplateSyntaxError('{% datacache fragment ["part"] %}')
    part = bits[2].strip("\"'") if len(bits) == 3 else "page"
    nodelist = parser.parse(("enddatacache",))
    parser.delete_first_token()
    return DataCacheNode(bits[1], part, nodelist)

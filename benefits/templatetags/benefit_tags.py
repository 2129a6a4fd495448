from django import template

from pmo.templatetags.pmo import phrase

register = template.Library()


@register.filter
def person(user, missing: str = "—") -> str:
    """A user's full name, else their username; `missing` when there is none."""
    if user is None:
        return missing
    return user.get_full_name() or user.username


@register.filter
def names_or(users) -> str:
    """People as a phrase: "Aisha Rahman", "Aisha Rahman or Ben Carter",
    "Aisha Rahman, Ben Carter or Fiona Walsh"."""
    return phrase([person(user) for user in users], "or")

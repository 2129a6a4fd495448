from django import template

register = template.Library()


@register.filter
def person(user, missing: str = "—") -> str:
    """A user's full name, else their username; `missing` when there is none."""
    if user is None:
        return missing
    return user.get_full_name() or user.username

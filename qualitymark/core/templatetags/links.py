"""The `url` tag, quicker (issue 16): a list page writes a link or two on every
row, and Django's reverse() takes some 25 microseconds a link, sixty links a
page.

This tag replaces Django's in every template (TEMPLATES "builtins" in the
settings). For a URL name and a number of arguments it asks reverse() once,
with stand-in numbers, and then writes each link by putting the row's numbers
where the stand-ins were. Only whole numbers of zero or more take this way (a
number is written the same by every path converter that accepts it); keyword
arguments, anything else, and a URL the stand-ins do not fit go to Django's
tag, which also raises its errors. tests/core/test_links.py compares the two
on every URL of the project.
"""

import functools

from django import template
from django.template import defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

STAND_IN = 7_364_019_000  # the first argument's stand-in; the next is one more


@functools.lru_cache(maxsize=1024)
def link_pieces(view_name, count, current_app, urlconf, prefix) -> tuple | None:
    """The link of `view_name` cut at its arguments: (text, argument index,
    text, ...), or None when it cannot be written this way. `urlconf` and
    `prefix` are the request's (they change what reverse() writes)."""
    numbers = [STAND_IN + index for index in range(count)]
    stand_ins = [str(number) for number in numbers]
    try:
        written = reverse(view_name, args=numbers, current_app=current_app)
    except NoReverseMatch:
        return None
    places = sorted((written.find(text), index) for index, text in enumerate(stand_ins))
    if any(written.count(text) != 1 for text in stand_ins):
        return None
    pieces, start = [], 0
    for position, index in places:
        pieces += [written[start:position], index]
        start = position + len(stand_ins[index])
    pieces.append(written[start:])
    return tuple(pieces)


def _current_app(context):
    request = getattr(context, "request", None)
    if hasattr(request, "current_app"):
        return request.current_app
    return getattr(getattr(request, "resolver_match", None), "namespace", None)


class QuickURLNode(defaulttags.URLNode):
    def render(self, context):
        if self.kwargs or self.asvar:
            return super().render(context)
        args = [arg.resolve(context) for arg in self.args]
        if not all(type(arg) is int and arg >= 0 for arg in args):
            return super().render(context)
        pieces = link_pieces(
            self.view_name.resolve(context),
            len(args),
            _current_app(context),
            get_urlconf(),
            get_script_prefix(),
        )
        if pieces is None:
            return super().render(context)
        url = "".join(str(args[piece]) if type(piece) is int else piece for piece in pieces)
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    return QuickURLNode(node.view_name, node.args, node.kwargs, node.asvar)

"""The `url` tag, quicker (issue 16): a list page writes a link or two on every
row, and Django's reverse() takes some 25 microseconds a link, sixty links a
page.

This tag replaces Django's in every template (TEMPLATES "builtins" in the
settings). For a URL name and a number of arguments it asks reverse() once,
with stand-in numbers, and then writes each link by putting the row's numbers
where the stand-ins were. This way is taken only where the URL's one pattern
for that many arguments is a path() whose places have Django's own
converters, and only for what each converter writes as it is: whole numbers
of zero or more in int, slug, str and path places, slugs (letters, digits,
"-" and "_") in slug, str and path places. Keyword arguments, anything else,
and a URL these rules do not fit go to Django's tag, which also raises its
errors. tests/core/test_links.py compares the two on every URL of the
project, with numbers, slugs and any text.
"""

import functools
import re

from django import template
from django.template import defaulttags
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.urls.converters import IntConverter, PathConverter, SlugConverter, StringConverter
from django.utils.html import conditional_escape

register = template.Library()

STAND_IN = 7_364_019_000  # the first argument's stand-in; the next is one more
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
NUMBER_PLACES = (IntConverter, SlugConverter, StringConverter, PathConverter)
SLUG_PLACES = (SlugConverter, StringConverter, PathConverter)


@functools.lru_cache(maxsize=1024)
def place_converters(view_name, count, urlconf) -> tuple | None:
    """The converter class of each argument place of the one pattern that
    `view_name` has for `count` arguments, or None: no such single pattern, a
    place without a converter (a regular expression's group), or an
    application namespace with several instances (the request's decides)."""
    resolver = get_resolver(urlconf)
    *spaces, name = view_name.split(":")
    for space in spaces:
        if resolver.app_dict.get(space, [space]) != [space]:
            return None
        try:
            prefix, resolver = resolver.namespace_dict[space]
        except KeyError:
            return None
        if re.compile(prefix).groups:
            return None
    found = [
        (params, converters)
        for possibility, _pattern, _defaults, converters in resolver.reverse_dict.getlist(name)
        for _text, params in possibility
        if len(params) == count
    ]
    if len(found) != 1:
        return None
    params, converters = found[0]
    places = tuple(type(converters.get(param)) for param in params)
    return places if all(place in NUMBER_PLACES for place in places) else None


def _takes(place, arg) -> bool:
    if type(arg) is int:
        return arg >= 0 and place in NUMBER_PLACES
    return isinstance(arg, str) and place in SLUG_PLACES and SLUG.fullmatch(arg) is not None


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
        view_name, urlconf = self.view_name.resolve(context), get_urlconf()
        places = (
            place_converters(view_name, len(args), urlconf) if isinstance(view_name, str) else None
        )
        if places is None or not all(map(_takes, places, args)):
            return super().render(context)
        pieces = link_pieces(
            view_name, len(args), _current_app(context), urlconf, get_script_prefix()
        )
        if pieces is None:
            return super().render(context)
        url = "".join(str(args[piece]) if type(piece) is int else piece for piece in pieces)
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    return QuickURLNode(node.view_name, node.args, node.kwargs, node.asvar)

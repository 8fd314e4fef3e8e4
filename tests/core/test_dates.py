"""The project's `date` filter writes what Django's writes (issue 16: it is
only quicker), for every format the templates use, every month, weekday and
hour, in the service's language and another."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import defaultfilters, engines
from django.utils import timezone, translation

from qualitymark.core.templatetags import dates

TEMPLATES = Path(settings.BASE_DIR) / "templates"
USED = sorted(
    {
        format_string
        for path in TEMPLATES.rglob("*.html")
        for format_string in re.findall(r'\|date:"([^"]*)"', path.read_text(encoding="utf-8"))
    }
)
EXTRA = ["d/m/Y", "j n Y G:i", "D j M", "DATE_FORMAT", r"j \o\f F", "N j, Y", "H:i", "jS F"]
DAYS = [datetime.date(2026, month, day) for month in range(1, 13) for day in (1, 9, 28)]
TIMES = [datetime.datetime(2026, 3, 7, hour, 5, 9) for hour in range(24)]


def test_the_templates_use_formats_the_quick_filter_writes_itself():
    assert len(USED) > 5
    assert [used for used in USED if dates._pieces(used) is None] == []


@pytest.mark.parametrize("language", ["en-gb", "fr"])
@pytest.mark.parametrize("format_string", USED + EXTRA)
def test_the_date_filter_writes_what_djangos_writes(format_string, language):
    with translation.override(language):
        for value in [*DAYS, *TIMES, None, "", "not a date"]:
            try:
                expected = defaultfilters.date(value, format_string)
            except TypeError:  # a time code on a date: Django's own error
                with pytest.raises(TypeError):
                    dates.date(value, format_string)
                continue
            assert dates.date(value, format_string) == expected, (value, format_string)


def test_templates_use_the_project_filter_and_still_show_local_time():
    template = engines["django"].from_string('{{ when|date:"j M Y H:i" }}')
    summer = datetime.datetime(2026, 7, 1, 11, 30, tzinfo=datetime.UTC)
    assert template.template.engine.template_builtins[-1].filters["date"] is dates.date
    assert template.render({"when": summer}) == "1 Jul 2026 12:30"
    assert timezone.localtime(summer).hour == 12


@pytest.mark.parametrize(
    ("hour", "minute", "written"),
    [
        (9, 5, "9:05am"),
        (16, 46, "4:46pm"),
        (12, 0, "midday"),
        (0, 0, "midnight"),
        (0, 30, "12:30am"),
        (12, 5, "12:05pm"),
        (23, 59, "11:59pm"),
    ],
)
def test_a_time_is_written_as_gov_uk_writes_it(hour, minute, written):
    assert dates.govuk_time(datetime.time(hour, minute)) == written
    assert dates.govuk_time(datetime.datetime(2026, 3, 7, hour, minute)) == written


def test_a_time_in_a_template_is_the_local_time_and_ends_a_sentence_with_one_full_stop():
    summer = datetime.datetime(2026, 7, 1, 15, 46, tzinfo=datetime.UTC)  # 4:46pm in London
    template = engines["django"].from_string("Downloaded at {{ at|govuk_time }}.")
    assert template.render({"at": summer}) == "Downloaded at 4:46pm."
    assert dates.govuk_time(datetime.date(2026, 7, 1)) == ""
    assert dates.govuk_time(None) == ""

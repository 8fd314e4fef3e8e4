"""The PDFs against a blank one-page WeasyPrint document, in one process.

    .venv/bin/python bench/pdfs.py      # or through bench/scale.py

Builds a decided application with an award in a throw-away test database and
prints the median time of each render (the renders taking turns, round by
round) and its ratio to the blank page.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qualitymark.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

REPEATS = int(os.environ.get("BENCH_PDF_REPEATS", "11"))


def _medians(renders: dict, repeats=REPEATS) -> dict[str, float]:
    """Each render's median. They take turns, round by round, so a slower
    moment of the machine falls on the blank page as much as on the others."""
    for render in renders.values():
        render()  # the first render of each kind warms what can be reused
    timings = {label: [] for label in renders}
    for _ in range(repeats):
        for label, render in renders.items():
            started = time.perf_counter()
            render()
            timings[label].append((time.perf_counter() - started) * 1000)
    return {label: statistics.median(values) for label, values in timings.items()}


def renders():
    """(label, target ratio, render function) for each PDF, on fresh data."""
    from django.utils import timezone

    from applications.selectors.submissions import application_overview
    from moderation.certificates import render_certificate_pdf
    from moderation.views.agency import _decision_context
    from qualitymark.files.pdf import render_pdf
    from tests.awards.builders import Panel

    panel = Panel()
    award = panel.award()
    application = award.application
    decision = award.decision

    def application_pdf():
        return render_pdf(
            "pdf/application.html",
            {
                "application": application,
                "overview": application_overview(application),
                "generated_at": timezone.now(),
                "generated_by": panel.staff,
            },
        )

    class _Request:
        """The agency lead's request, as the view has it (its user already read)."""

        user = application.agency.memberships.get(role="lead").user

    def feedback_report():
        context = _decision_context(_Request(), application.pk)
        return render_pdf(
            "pdf/decision.html",
            {**context, "generated_at": timezone.now(), "generated_by": panel.staff},
        )

    read_once = _decision_context(_Request(), application.pk)

    def feedback_pdf_alone():
        return render_pdf(
            "pdf/decision.html",
            {**read_once, "generated_at": timezone.now(), "generated_by": panel.staff},
        )

    return [
        ("Certificate", 3, lambda: render_certificate_pdf(award)),
        ("Feedback report (decision)", 5, feedback_report),
        ("  the same, its data read before", 5, feedback_pdf_alone),
        ("Application PDF", 15, application_pdf),
    ], decision


def blank_page() -> bytes:
    from weasyprint import HTML

    return HTML(string="<!DOCTYPE html><html><body><p>Blank</p></body></html>").write_pdf()


def run(print_line=print):
    import io

    from pypdf import PdfReader

    items, _ = renders()
    medians = _medians({"blank": blank_page, **{label: render for label, _, render in items}})
    blank = medians["blank"]
    print_line(f"{'PDF':<40} {'median':>10} {'x blank':>8} {'target':>7} {'pages':>6}")
    print_line(f"{'Blank one-page document':<40} {blank:8.1f} ms {1:8.2f}")
    for label, target, render in items:
        pages = len(PdfReader(io.BytesIO(render())).pages)
        ratio = medians[label] / blank
        verdict = "met" if ratio <= target else "NOT met"
        print_line(
            f"{label:<40} {medians[label]:8.1f} ms {ratio:8.2f} {target:6d}x {pages:6d}  {verdict}"
        )


def main():
    from bench.testdb import throwaway_database

    with throwaway_database():
        run()


if __name__ == "__main__":
    main()

"""Bar charts drawn on the server as SVG: the geometry here, the markup in
templates/moderation/staff/_bar_chart.svg.html. Each chart is shown beside
a table of the same figures, so the chart is never the only way to read them."""

from dataclasses import dataclass

WIDTH, HEIGHT = 640, 240
LEFT, BOTTOM, TOP = 40, 40, 12
# GOV.UK colours, told apart by their order in each bar and the legend too.
PALETTE = ["#00703c", "#1d70b8", "#b1b4b6", "#d4351c"]


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str
    title: str


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    rects: list[Rect]
    labels: list[tuple[float, str]]  # x, label under each column
    ticks: list[Tick]
    legend: list[tuple[str, str]]  # colour, series name
    baseline: float


def _scale_top(largest: float) -> int:
    """The axis top: four equal steps of 1, 2 or 5 times a power of ten."""
    magnitude = 1
    while True:
        for base in (1, 2, 5):
            if largest <= base * magnitude * 4:
                return base * magnitude * 4
        magnitude *= 10


def stacked_bars(columns: list[tuple[str, list[float]]], series: list[str]) -> Chart:
    """columns: [(label, [value of each series]), ...]."""
    top = _scale_top(max((sum(values) for _, values in columns), default=0))
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / max(len(columns), 1)
    bar = slot * 0.6
    rects, labels = [], []
    for index, (label, values) in enumerate(columns):
        x = LEFT + slot * index + (slot - bar) / 2
        y = HEIGHT - BOTTOM
        for number, value in enumerate(values):
            if not value:
                continue
            height = plot_height * value / top
            y -= height
            title = f"{label}: {series[number]} {value:g}"
            rects.append(
                Rect(
                    round(x, 1),
                    round(y, 1),
                    round(bar, 1),
                    round(height, 1),
                    PALETTE[number % len(PALETTE)],
                    title,
                )
            )
        labels.append((round(x + bar / 2, 1), label))
    ticks = [
        Tick(round(HEIGHT - BOTTOM - plot_height * step / 4, 1), f"{top * step / 4:g}")
        for step in range(5)
    ]
    legend = [(PALETTE[number % len(PALETTE)], name) for number, name in enumerate(series)]
    return Chart(WIDTH, HEIGHT, rects, labels, ticks, legend, HEIGHT - BOTTOM)

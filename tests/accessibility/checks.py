"""What the gate measures on each page, in the browser, and the Nu checker run
once over every page's HTML at the end."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"critical", "serious"}
DESKTOP = {"width": 1280, "height": 900}
NARROWEST = {"width": 320, "height": 640}

RUN_AXE = """async (tags) => {
    const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                            resultTypes: ["violations"]});
    return result.violations.map((violation) => ({
        id: violation.id, impact: violation.impact, help: violation.help,
        nodes: violation.nodes.map((node) => node.target.join(" ")),
    }));
}"""

# How far the page scrolls sideways, and the widest elements that make it do so.
SIDEWAYS_SCROLL = """() => {
    const root = document.documentElement;
    const overflow = root.scrollWidth - root.clientWidth;
    if (overflow <= 0) return null;
    const widest = Array.from(document.querySelectorAll("body *"))
        .filter((element) => element.getBoundingClientRect().right > root.clientWidth + 1)
        .filter((element) => !element.closest(".app-table-scroll"))
        .slice(-3)
        .map((element) => element.tagName.toLowerCase()
             + (element.className && typeof element.className === "string"
                ? "." + element.className.trim().split(/\\s+/).join(".") : ""));
    return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, widest};
}"""

TEXT_AT_200_PERCENT = """(on) => {
    document.documentElement.style.fontSize = on ? "200%" : "";
    return getComputedStyle(document.body).fontSize;
}"""

# Pairs of visible interactive controls whose boxes overlap (nested ones aside).
OVERLAPPING_CONTROLS = """() => {
    const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary";
    const describe = (element) => element.tagName.toLowerCase()
        + (element.id ? "#" + element.id : "")
        + (element.name ? "[name=" + element.name + "]" : "")
        + " '" + (element.innerText || element.value || "").trim().slice(0, 30) + "'";
    const shown = Array.from(document.querySelectorAll(selector)).map((element) => {
        const target = (element.matches(".govuk-radios__input, .govuk-checkboxes__input")
            && element.labels && element.labels[0]) || element;
        const boxes = Array.from(target.getClientRects())
            .filter((box) => box.width > 1 && box.height > 1);
        return {element, boxes};
    }).filter(({element, boxes}) => boxes.length
        && getComputedStyle(element).visibility !== "hidden"
        && !element.closest(".govuk-skip-link"));
    // A line's box is taller than its line height, so links on adjacent lines of a
    // paragraph share a sliver; an overlap must cover a fifth of the shorter box.
    const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
        && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top)
           > Math.max(1, 0.2 * Math.min(a.height, b.height));
    const pairs = [];
    for (let i = 0; i < shown.length; i++) {
        for (let j = i + 1; j < shown.length; j++) {
            const [a, b] = [shown[i], shown[j]];
            if (a.element.contains(b.element) || b.element.contains(a.element)) continue;
            if (a.boxes.some((box) => b.boxes.some((other) => overlap(box, other)))) {
                pairs.push(describe(a.element) + " / " + describe(b.element));
            }
        }
    }
    return pairs.slice(0, 5);
}"""


def check_page(page) -> dict:
    """axe at desktop width, overlaps with text at 200 %, sideways scroll at 320 px.
    Leaves the page at desktop width with ordinary text."""
    violations = page.evaluate(RUN_AXE, AXE_TAGS)
    page.evaluate(TEXT_AT_200_PERCENT, True)
    overlaps = page.evaluate(OVERLAPPING_CONTROLS)
    page.evaluate(TEXT_AT_200_PERCENT, False)
    page.set_viewport_size(NARROWEST)
    sideways = page.evaluate(SIDEWAYS_SCROLL)
    page.set_viewport_size(DESKTOP)
    return {"axe": violations, "overlaps": overlaps, "sideways": sideways}


def nu_errors(folder: Path) -> list[dict]:
    """Run the W3C Nu checker once over every saved page; its errors, by file."""
    files = sorted(str(path) for path in folder.glob("*.html"))
    if not files:
        return []
    finished = subprocess.run(  # noqa: S603 - fixed command, our own files
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only", *files],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(finished.stderr or finished.stdout or '{"messages": []}')
    return [
        {
            "file": Path(message.get("url", "")).name,
            "line": message.get("lastLine"),
            "message": message.get("message"),
            "extract": (message.get("extract") or "").strip(),
        }
        for message in report["messages"]
        if message.get("type") == "error"
    ]

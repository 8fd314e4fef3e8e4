"""Small framework files for tests, built so that tests can find the line of
any piece of text they change."""

import json

import yaml


def framework_dict(name="test-framework", version=1, markers_per_descriptor=2) -> dict:
    return {
        "name": name,
        "version": version,
        "title": "Test framework",
        "effective_from": "2026-01-01",
        "working_wording": False,
        "notes": "Written for the tests.",
        "descriptors": [
            {
                "number": number,
                "title": f"Descriptor title {number}",
                "question": f"Question for descriptor {number}?",
                "guidance": f"Guidance for descriptor {number}.",
                "markers": [
                    {"code": f"{number}.{index}", "text": f"Marker text {number}.{index}"}
                    for index in range(1, markers_per_descriptor + 1)
                ],
            }
            for number in range(1, 8)
        ],
    }


def framework_yaml(**kwargs) -> str:
    text = yaml.safe_dump(framework_dict(**kwargs), sort_keys=False, width=200)
    # effective_from as an unquoted date, as people write it
    return text.replace("effective_from: '2026-01-01'", "effective_from: 2026-01-01")


def framework_json(**kwargs) -> str:
    return json.dumps(framework_dict(**kwargs), indent=2)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line number of the nth line containing needle."""
    found = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            found += 1
            if found == occurrence:
                return number
    raise AssertionError(f"{needle!r} not found {occurrence} time(s)")


def replace_line(text: str, needle: str, new_line: str) -> str:
    """Replace the whole first line containing needle, keeping its indentation."""
    lines = text.splitlines()
    number = line_of(text, needle) - 1
    indent = lines[number][: len(lines[number]) - len(lines[number].lstrip())]
    lines[number] = indent + new_line
    return "\n".join(lines) + "\n"


def remove_line(text: str, needle: str) -> str:
    lines = text.splitlines()
    del lines[line_of(text, needle) - 1]
    return "\n".join(lines) + "\n"

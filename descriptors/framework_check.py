"""Checking a framework file's tree of nodes: every problem, with the line it is on."""

from datetime import date, datetime

from .framework_data import (
    DESCRIPTOR_OPTIONAL,
    DESCRIPTOR_REQUIRED,
    FRAMEWORK_OPTIONAL,
    FRAMEWORK_REQUIRED,
    MARKER_CODE_MAX_LENGTH,
    MARKER_REQUIRED,
    NAME_MAX_LENGTH,
    NAME_PATTERN,
    TITLE_MAX_LENGTH,
    DescriptorData,
    FrameworkData,
    FrameworkFileError,
    MarkerData,
    Node,
    Problem,
)
from .models import DESCRIPTOR_COUNT, marker_code_problem

# --- Checking the tree ----------------------------------------------------------------


class FrameworkChecker:
    def __init__(self):
        self.problems: list[Problem] = []

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append((line, message))

    def framework(self, root: Node) -> FrameworkData:
        fields = self.fields(root, "the framework", FRAMEWORK_REQUIRED, FRAMEWORK_OPTIONAL)
        if fields is None:
            raise FrameworkFileError(self.problems)
        name = self.text(fields.get("name"), "name", max_length=NAME_MAX_LENGTH)
        if name and not NAME_PATTERN.fullmatch(name):
            self.problem(
                fields["name"][0],
                "name must be lower-case letters, numbers and hyphens, such as 'ep-quality-mark'",
            )
        version = self.whole_number(fields.get("version"), "version", minimum=1)
        title = self.text(fields.get("title"), "title", max_length=TITLE_MAX_LENGTH)
        effective_from = self.date(fields.get("effective_from"), "effective_from")
        working_wording = self.boolean(fields.get("working_wording"), "working_wording")
        notes = self.text(fields.get("notes"), "notes", required=False)
        descriptors = self.descriptors(fields.get("descriptors"))
        if self.problems:
            raise FrameworkFileError(self.problems)
        return FrameworkData(
            name=name,
            version=version,
            title=title,
            effective_from=effective_from,
            working_wording=bool(working_wording),
            notes=notes,
            descriptors=tuple(sorted(descriptors, key=lambda descriptor: descriptor.number)),
            lines={key: key_line for key, (key_line, _) in fields.items()},
        )

    def fields(self, node: Node, what: str, required, optional) -> dict | None:
        """{key: (key line, value node)} for a mapping, noting unknown,
        repeated and missing keys."""
        if node.kind != "mapping":
            self.problem(node.line, f"{what} must be a set of 'key: value' entries")
            return None
        allowed = (*required, *optional)
        found: dict[str, tuple[int, Node]] = {}
        for key, key_line, value in node.value:
            if not isinstance(key, str):
                self.problem(key_line, f"{what} has a key that is not a word: {key!r}")
            elif key in found:
                self.problem(key_line, f"{what} has '{key}' twice (first on line {found[key][0]})")
            elif key not in allowed:
                self.problem(
                    key_line,
                    f"{what} has an unknown key '{key}' (allowed: {', '.join(allowed)})",
                )
            else:
                found[key] = (key_line, value)
        for key in required:
            if key not in found:
                self.problem(node.line, f"{what} is missing '{key}'")
        return found

    def text(self, entry, label: str, *, required=True, max_length=None) -> str:
        if entry is None:
            return ""
        line, node = entry
        if node.kind != "scalar":
            self.problem(line, f"{label} must be text")
            return ""
        value = node.value
        if value is None:
            value = ""
        elif not isinstance(value, str):
            value = node.raw or ""
        value = value.strip()
        if required and not value:
            self.problem(line, f"{label} must not be empty")
        elif max_length and len(value) > max_length:
            self.problem(
                line, f"{label} must be {max_length} characters or fewer (it has {len(value)})"
            )
        return value

    def whole_number(self, entry, label: str, *, minimum=None, maximum=None) -> int | None:
        if entry is None:
            return None
        line, node = entry
        value = node.value if node.kind == "scalar" else None
        if isinstance(value, bool) or not isinstance(value, int):
            value = None
        if (
            value is None
            or (minimum is not None and value < minimum)
            or (maximum is not None and value > maximum)
        ):
            if maximum is not None:
                expected = f"a whole number from {minimum} to {maximum}"
            else:
                expected = f"a whole number ({minimum} or more)"
            self.problem(line, f"{label} must be {expected}")
            return None
        return value

    def date(self, entry, label: str) -> date | None:
        if entry is None:
            return None
        line, node = entry
        value = node.value if node.kind == "scalar" else None
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value.strip())
            except ValueError:
                value = None
        if not isinstance(value, date) or isinstance(value, datetime):
            self.problem(line, f"{label} must be a date written as YYYY-MM-DD")
            return None
        return value

    def boolean(self, entry, label: str) -> bool:
        if entry is None:
            return False
        line, node = entry
        if node.kind != "scalar" or not isinstance(node.value, bool):
            self.problem(line, f"{label} must be true or false")
            return False
        return node.value

    def descriptors(self, entry) -> list[DescriptorData]:
        if entry is None:
            return []
        line, node = entry
        if node.kind != "sequence":
            self.problem(line, "descriptors must be a list")
            return []
        if len(node.value) != DESCRIPTOR_COUNT:
            self.problem(
                line,
                f"there must be exactly seven descriptors (Q1 to Q7); "
                f"this file has {len(node.value)}",
            )
        descriptors, first_line_of = [], {}
        all_numbered = True
        for position, item in enumerate(node.value, start=1):
            descriptor = self.descriptor(item, position)
            if descriptor is None:
                all_numbered = False
                continue
            if descriptor.number in first_line_of:
                self.problem(
                    descriptor.line,
                    f"descriptor {descriptor.number} appears twice "
                    f"(first on line {first_line_of[descriptor.number]})",
                )
                continue
            first_line_of[descriptor.number] = descriptor.line
            descriptors.append(descriptor)
        missing = sorted(set(range(1, DESCRIPTOR_COUNT + 1)) - set(first_line_of))
        if all_numbered and len(node.value) == DESCRIPTOR_COUNT and missing:
            self.problem(
                line,
                "descriptors must be numbered 1 to 7; missing "
                + ", ".join(str(number) for number in missing),
            )
        return descriptors

    def descriptor(self, node: Node, position: int) -> DescriptorData | None:
        stated = _peek(node, "number")
        if stated and isinstance(stated.value, int) and not isinstance(stated.value, bool):
            what = f"descriptor {stated.value}"
        else:
            what = f"descriptor {position} in the list"
        fields = self.fields(node, what, DESCRIPTOR_REQUIRED, DESCRIPTOR_OPTIONAL)
        if fields is None:
            return None
        number = self.whole_number(
            fields.get("number"), f"{what} number", minimum=1, maximum=DESCRIPTOR_COUNT
        )
        title = self.text(fields.get("title"), f"{what} title", max_length=TITLE_MAX_LENGTH)
        question = self.text(fields.get("question"), f"{what} question")
        guidance = self.text(fields.get("guidance"), f"{what} guidance", required=False)
        markers = self.markers(fields.get("markers"), what, number)
        if number is None:
            return None
        return DescriptorData(
            number=number,
            title=title,
            question=question,
            guidance=guidance,
            markers=tuple(markers),
            line=node.line,
        )

    def markers(self, entry, what: str, number: int | None) -> list[MarkerData]:
        if entry is None:
            return []
        line, node = entry
        if node.kind != "sequence":
            self.problem(line, f"{what} markers must be a list")
            return []
        if not node.value:
            self.problem(line, f"{what} must have at least one marker")
        markers, first_line_of = [], {}
        for position, item in enumerate(node.value, start=1):
            stated = _peek(item, "code")
            label = f"'{stated.raw.strip()}'" if stated else str(position)
            marker = f"{what} marker {label}"
            fields = self.fields(item, marker, MARKER_REQUIRED, ())
            if fields is None:
                continue
            code = self.text(
                fields.get("code"), f"{marker} code", max_length=MARKER_CODE_MAX_LENGTH
            )
            text = self.text(fields.get("text"), f"{marker} text")
            if not code:
                continue
            code_line = fields["code"][0]
            problem = number is not None and marker_code_problem(code, number)
            if problem:
                self.problem(code_line, f"{what} marker '{code}' {problem}")
            elif code in first_line_of:
                self.problem(
                    code_line,
                    f"{what} marker '{code}' appears twice (first on line {first_line_of[code]})",
                )
            else:
                first_line_of[code] = code_line
                markers.append(MarkerData(code=code, text=text, line=item.line))
        return markers


def _peek(node: Node, key: str) -> Node | None:
    """The scalar under `key` in a mapping node, before it has been checked,
    so messages can name the descriptor or marker they are about."""
    if node.kind != "mapping":
        return None
    for found_key, _, value in node.value:
        if found_key == key and value.kind == "scalar" and value.value is not None:
            return value
    return None

"""Reading and writing framework files (YAML or JSON).

parse_framework_file() turns the text of a file into FrameworkData, or raises
FrameworkFileError listing every problem with the line it is on. Both formats
are first turned into the same small tree of nodes that remember their line
numbers, so the checks are written once.
"""

import bisect
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from json.scanner import NUMBER_RE
from pathlib import Path
from typing import Any

import yaml

from .models import DESCRIPTOR_COUNT, marker_code_problem

FORMATS = ("yaml", "json")
EXTENSIONS = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}
CONTENT_TYPES = {"yaml": "application/yaml", "json": "application/json"}

NAME_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
TITLE_MAX_LENGTH = 200
NAME_MAX_LENGTH = 50
MARKER_CODE_MAX_LENGTH = 10
# Guards against alias bombs and runaway nesting in uploaded YAML.
MAX_NODES = 20_000
MAX_DEPTH = 20

FRAMEWORK_REQUIRED = ("name", "version", "title", "effective_from", "descriptors")
FRAMEWORK_OPTIONAL = ("working_wording", "notes")
DESCRIPTOR_REQUIRED = ("number", "title", "question", "markers")
DESCRIPTOR_OPTIONAL = ("guidance",)
MARKER_REQUIRED = ("code", "text")

Problem = tuple[int | None, str]


class FrameworkFileError(Exception):
    """A framework file that cannot be used, with every (line, message) found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda problem: (problem[0] or 0))
        super().__init__("\n".join(self.messages))

    @property
    def messages(self) -> list[str]:
        return [
            f"line {line}: {message}" if line else message for line, message in self.problems
        ]


@dataclass(frozen=True)
class MarkerData:
    code: str
    text: str
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class DescriptorData:
    number: int
    title: str
    question: str
    guidance: str
    markers: tuple[MarkerData, ...]
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class FrameworkData:
    name: str
    version: int
    title: str
    effective_from: date
    working_wording: bool
    notes: str
    descriptors: tuple[DescriptorData, ...]
    # Line of each top-level key, so later checks against the database can
    # still point at the right line.
    lines: dict[str, int] = field(default_factory=dict, compare=False)

    @property
    def marker_count(self) -> int:
        return sum(len(descriptor.markers) for descriptor in self.descriptors)


# --- A tree of values that remember their line ---------------------------------------


@dataclass
class Node:
    kind: str  # "mapping", "sequence" or "scalar"
    line: int
    # mapping: list of (key, key line, Node); sequence: list of Node; scalar: the value
    value: Any
    # The scalar exactly as written, so a marker code written as 1.10 stays "1.10".
    raw: str | None = None


def format_for_filename(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix not in EXTENSIONS:
        raise FrameworkFileError(
            [(None, "The file must end in .yaml, .yml or .json so its format is known.")]
        )
    return EXTENSIONS[suffix]


def decode_file(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FrameworkFileError(
            [(None, "The file must be saved as UTF-8 text.")]
        ) from error


def read_framework_file(path, file_format: str | None = None) -> "FrameworkData":
    path = Path(path)
    file_format = file_format or format_for_filename(path.name)
    return parse_framework_file(decode_file(path.read_bytes()), file_format)


def parse_framework_file(text: str, file_format: str) -> FrameworkData:
    """Validate a framework file. Raises FrameworkFileError listing every problem."""
    if file_format == "yaml":
        tree = _yaml_tree(text)
    elif file_format == "json":
        tree = _json_tree(text)
    else:
        raise ValueError(f"Unknown framework file format {file_format!r}.")
    return _Checker().framework(tree)


def _yaml_tree(text: str) -> Node:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        reason = error.problem or error.context or "it could not be read"
        raise FrameworkFileError(
            [(mark.line + 1 if mark else None, f"this is not valid YAML: {reason}")]
        ) from error
    except yaml.YAMLError as error:
        raise FrameworkFileError([(None, f"This is not valid YAML: {error}")]) from error
    if root is None:
        raise FrameworkFileError([(1, "the file is empty")])
    return _YamlTreeBuilder().build(root)


class _YamlTreeBuilder:
    def __init__(self):
        self.constructor = yaml.SafeLoader("")
        self.visited = 0

    def build(self, node, depth: int = 0) -> Node:
        self.visited += 1
        line = node.start_mark.line + 1
        if self.visited > MAX_NODES or depth > MAX_DEPTH:
            raise FrameworkFileError([(line, "the file is too large or too deeply nested")])
        if isinstance(node, yaml.MappingNode):
            pairs = []
            for key_node, value_node in node.value:
                key = self.scalar_value(key_node) if isinstance(key_node, yaml.ScalarNode) else None
                pairs.append((key, key_node.start_mark.line + 1, self.build(value_node, depth + 1)))
            return Node("mapping", line, pairs)
        if isinstance(node, yaml.SequenceNode):
            return Node("sequence", line, [self.build(item, depth + 1) for item in node.value])
        return Node("scalar", line, self.scalar_value(node), raw=node.value)

    def scalar_value(self, node):
        try:
            return self.constructor.construct_object(node, deep=True)
        except (ValueError, yaml.YAMLError):
            # e.g. 2026-02-30 looks like a date but is not one: keep it as text.
            return node.value


def _json_tree(text: str) -> Node:
    def refuse_constant(name):
        raise ValueError(f"{name} is not allowed")

    try:
        json.loads(text, parse_constant=refuse_constant)
    except json.JSONDecodeError as error:
        raise FrameworkFileError(
            [(error.lineno, f"this is not valid JSON: {error.msg}")]
        ) from error
    except ValueError as error:
        raise FrameworkFileError([(None, f"This is not valid JSON: {error}")]) from error
    return _JsonTreeBuilder(text).build()


class _JsonTreeBuilder:
    """A small JSON reader that records the line of every value and key.

    The text has already been accepted by json.loads, so this only needs to
    follow valid JSON; it reuses the json module's own string and number
    scanners so values come out exactly as json.loads would give them.
    """

    WHITESPACE = re.compile(r"[ \t\n\r]*")
    LITERALS = {"true": True, "false": False, "null": None}

    def __init__(self, text: str):
        self.text = text
        self.line_starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def line_at(self, position: int) -> int:
        return bisect.bisect_right(self.line_starts, position)

    def skip(self, position: int) -> int:
        return self.WHITESPACE.match(self.text, position).end()

    def build(self) -> Node:
        node, _ = self.value(self.skip(0), depth=0)
        return node

    def value(self, position: int, depth: int) -> tuple[Node, int]:
        if depth > MAX_DEPTH:
            raise FrameworkFileError([(self.line_at(position), "the file is too deeply nested")])
        text, line = self.text, self.line_at(position)
        char = text[position]
        if char == "{":
            return self.mapping(position, line, depth)
        if char == "[":
            return self.sequence(position, line, depth)
        if char == '"':
            string, end = json.decoder.scanstring(text, position + 1)
            return Node("scalar", line, string, raw=string), end
        for literal, literal_value in self.LITERALS.items():
            if text.startswith(literal, position):
                return Node("scalar", line, literal_value, raw=literal), position + len(literal)
        match = NUMBER_RE.match(text, position)
        integer, fraction, exponent = match.groups()
        number = float(match.group(0)) if fraction or exponent else int(integer)
        return Node("scalar", line, number, raw=match.group(0)), match.end()

    def mapping(self, position: int, line: int, depth: int) -> tuple[Node, int]:
        pairs = []
        position = self.skip(position + 1)
        if self.text[position] == "}":
            return Node("mapping", line, pairs), position + 1
        while True:
            key_line = self.line_at(position)
            key, position = json.decoder.scanstring(self.text, position + 1)
            position = self.skip(self.skip(position) + 1)  # past the colon
            node, position = self.value(position, depth + 1)
            pairs.append((key, key_line, node))
            position = self.skip(position)
            if self.text[position] == "}":
                return Node("mapping", line, pairs), position + 1
            position = self.skip(position + 1)  # past the comma

    def sequence(self, position: int, line: int, depth: int) -> tuple[Node, int]:
        items = []
        position = self.skip(position + 1)
        if self.text[position] == "]":
            return Node("sequence", line, items), position + 1
        while True:
            node, position = self.value(position, depth + 1)
            items.append(node)
            position = self.skip(position)
            if self.text[position] == "]":
                return Node("sequence", line, items), position + 1
            position = self.skip(position + 1)


# --- Checking the tree ----------------------------------------------------------------


class _Checker:
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
                "name must be lower-case letters, numbers and hyphens, such as "
                "'ep-quality-mark'",
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
                self.problem(
                    key_line, f"{what} has '{key}' twice (first on line {found[key][0]})"
                )
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
        if value is None or (minimum is not None and value < minimum) or (
            maximum is not None and value > maximum
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


# --- Writing --------------------------------------------------------------------------


def framework_to_dict(framework) -> dict:
    """The framework as plain data in the file layout (effective_from as a date)."""
    return {
        "name": framework.name,
        "version": framework.version,
        "title": framework.title,
        "effective_from": framework.effective_from,
        "working_wording": framework.is_working_wording,
        "notes": framework.notes,
        "descriptors": [
            {
                "number": descriptor.number,
                "title": descriptor.title,
                "question": descriptor.question,
                "guidance": descriptor.guidance,
                "markers": [
                    {"code": marker.code, "text": marker.text}
                    for marker in descriptor.markers.all()
                ],
            }
            for descriptor in framework.descriptors.prefetch_related("markers")
        ],
    }


class _FrameworkDumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        # Indent list items under their key, as people usually write YAML.
        return super().increase_indent(flow, False)


def _represent_text(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_FrameworkDumper.add_representer(str, _represent_text)


def dump_framework(framework, file_format: str) -> str:
    data = framework_to_dict(framework)
    if file_format == "yaml":
        return yaml.dump(
            data, Dumper=_FrameworkDumper, sort_keys=False, allow_unicode=True, width=100
        )
    if file_format == "json":
        data["effective_from"] = data["effective_from"].isoformat()
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    raise ValueError(f"Unknown framework file format {file_format!r}.")


def export_filename(framework, file_format: str) -> str:
    extension = "yaml" if file_format == "yaml" else "json"
    return f"{framework.name}-v{framework.version}.{extension}"

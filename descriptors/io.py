"""Reading and writing framework files (YAML or JSON).

parse_framework_file() turns the text of a file into FrameworkData, or raises
FrameworkFileError listing every problem with the line it is on. Both formats
are first turned into the same small tree of nodes that remember their line
numbers, so the checks are written once.
"""

import bisect
import json
import re
from json.scanner import NUMBER_RE
from pathlib import Path

import yaml

from .framework_check import FrameworkChecker
from .framework_data import (
    EXTENSIONS,
    MAX_DEPTH,
    MAX_NODES,
    FrameworkData,
    FrameworkFileError,
    Node,
)


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
        raise FrameworkFileError([(None, "The file must be saved as UTF-8 text.")]) from error


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
    return FrameworkChecker().framework(tree)


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

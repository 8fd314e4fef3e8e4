"""The shape of a framework file: its fields, limits, the data read from it and its errors."""

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

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
        self.problems = sorted(problems, key=lambda problem: problem[0] or 0)
        super().__init__("\n".join(self.messages))

    @property
    def messages(self) -> list[str]:
        return [f"line {line}: {message}" if line else message for line, message in self.problems]


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

import json
from datetime import date

import pytest

from descriptors.framework_data import FrameworkFileError
from descriptors.io import format_for_filename, parse_framework_file

from .samples import framework_json, framework_yaml, line_of, remove_line, replace_line


def problems_of(text, file_format="yaml"):
    with pytest.raises(FrameworkFileError) as caught:
        parse_framework_file(text, file_format)
    return caught.value.messages


def test_valid_yaml_is_read_with_its_types_and_lines():
    text = framework_yaml()
    data = parse_framework_file(text, "yaml")
    assert data.name == "test-framework"
    assert data.version == 1
    assert data.effective_from == date(2026, 1, 1)
    assert data.working_wording is False
    assert [descriptor.number for descriptor in data.descriptors] == [1, 2, 3, 4, 5, 6, 7]
    assert data.marker_count == 14
    assert data.descriptors[2].markers[1].code == "3.2"
    assert data.lines["version"] == 2
    assert data.descriptors[2].line == line_of(text, "number: 3")


def test_json_reads_the_same_as_yaml():
    assert parse_framework_file(framework_json(), "json") == parse_framework_file(
        framework_yaml(), "yaml"
    )


def test_descriptors_are_sorted_by_number_whatever_their_order_in_the_file():
    content = json.loads(framework_json())
    content["descriptors"].reverse()
    data = parse_framework_file(json.dumps(content), "json")
    assert [descriptor.number for descriptor in data.descriptors] == [1, 2, 3, 4, 5, 6, 7]


def test_marker_code_must_start_with_its_descriptor_number():
    text = replace_line(framework_yaml(), "code: '3.1'", "- code: '4.1'")
    line = line_of(text, "code: '4.1'")
    assert problems_of(text) == [f"line {line}: descriptor 3 marker '4.1' must start with '3.'"]


def test_marker_code_must_be_number_dot_number():
    text = replace_line(framework_yaml(), "code: '3.1'", "- code: '3.x'")
    [message] = problems_of(text)
    assert message.startswith(f"line {line_of(text, '3.x')}: descriptor 3 marker '3.x' must")


def test_unquoted_marker_code_keeps_what_was_written():
    text = replace_line(framework_yaml(), "code: '3.2'", "- code: 3.10")
    data = parse_framework_file(text, "yaml")
    assert [marker.code for marker in data.descriptors[2].markers] == ["3.1", "3.10"]


def test_version_must_be_a_whole_number():
    text = replace_line(framework_yaml(), "version: 1", "version: 1.5")
    assert problems_of(text) == ["line 2: version must be a whole number (1 or more)"]


@pytest.mark.parametrize("value", ["0", "'one'", "true", "[1]"])
def test_other_bad_versions(value):
    text = replace_line(framework_yaml(), "version: 1", f"version: {value}")
    assert problems_of(text) == ["line 2: version must be a whole number (1 or more)"]


def test_missing_top_level_field():
    text = remove_line(framework_yaml(), "title: Test framework")
    assert problems_of(text) == ["line 1: the framework is missing 'title'"]


def test_missing_descriptor_field_names_the_descriptor():
    text = remove_line(framework_yaml(), "question: Question for descriptor 5?")
    line = line_of(text, "number: 5")
    assert problems_of(text) == [f"line {line}: descriptor 5 is missing 'question'"]


def test_missing_marker_text():
    text = remove_line(framework_yaml(), "text: Marker text 6.2")
    line = line_of(text, "code: '6.2'")
    assert problems_of(text) == [f"line {line}: descriptor 6 marker '6.2' is missing 'text'"]


def test_empty_required_text():
    text = replace_line(framework_yaml(), "title: Descriptor title 2", "title: ''")
    line = line_of(text, "title: ''")
    assert problems_of(text) == [f"line {line}: descriptor 2 title must not be empty"]


def test_duplicate_descriptor_numbers():
    text = replace_line(framework_yaml(), "number: 4", "- number: 3")
    first, second = line_of(text, "number: 3"), line_of(text, "number: 3", occurrence=2)
    messages = problems_of(text)
    assert f"line {second}: descriptor 3 appears twice (first on line {first})" in messages
    assert "descriptors must be numbered 1 to 7; missing 4" in messages[0]


def test_duplicate_marker_codes():
    text = replace_line(framework_yaml(), "code: '2.2'", "- code: '2.1'")
    first, second = line_of(text, "code: '2.1'"), line_of(text, "code: '2.1'", occurrence=2)
    assert problems_of(text) == [
        f"line {second}: descriptor 2 marker '2.1' appears twice (first on line {first})"
    ]


def test_exactly_seven_descriptors():
    content = json.loads(framework_json())
    content["descriptors"].pop()
    text = json.dumps(content, indent=2)
    line = line_of(text, '"descriptors"')
    assert problems_of(text, "json") == [
        f"line {line}: there must be exactly seven descriptors (Q1 to Q7); this file has 6"
    ]


def test_descriptor_number_out_of_range():
    text = replace_line(framework_yaml(), "number: 7", "- number: 8")
    line = line_of(text, "number: 8")
    messages = problems_of(text)
    assert f"line {line}: descriptor 8 number must be a whole number from 1 to 7" in messages


def test_descriptor_needs_markers():
    content = json.loads(framework_json())
    content["descriptors"][0]["markers"] = []
    text = json.dumps(content, indent=2)
    line = line_of(text, '"markers": []')
    assert problems_of(text, "json") == [f"line {line}: descriptor 1 must have at least one marker"]


def test_unknown_keys_are_refused_at_every_level():
    text = framework_yaml()
    text = replace_line(text, "notes: Written", "colour: purple")
    text = replace_line(text, "guidance: Guidance for descriptor 2.", "hint: nope")
    text = replace_line(text, "text: Marker text 5.1", "txt: typo")
    messages = problems_of(text)
    assert messages[0] == (
        f"line {line_of(text, 'colour')}: the framework has an unknown key 'colour' "
        "(allowed: name, version, title, effective_from, descriptors, working_wording, notes)"
    )
    assert messages[1].startswith(
        f"line {line_of(text, 'hint: nope')}: descriptor 2 has an unknown key 'hint'"
    )
    marker_line = line_of(text, "code: '5.1'")
    assert f"line {marker_line}: descriptor 5 marker '5.1' is missing 'text'" in messages
    assert messages[3].startswith(
        f"line {line_of(text, 'txt: typo')}: descriptor 5 marker '5.1' has an unknown key 'txt'"
    )


def test_repeated_key_in_yaml():
    text = framework_yaml().replace("version: 1\n", "version: 1\nversion: 2\n", 1)
    assert problems_of(text) == ["line 3: the framework has 'version' twice (first on line 2)"]


def test_repeated_key_in_json():
    text = framework_json().replace('"version": 1,', '"version": 1,\n  "version": 2,', 1)
    assert problems_of(text, "json") == [
        "line 4: the framework has 'version' twice (first on line 3)"
    ]


def test_bad_date_and_flag():
    text = replace_line(framework_yaml(), "effective_from", "effective_from: 2026-02-30")
    text = replace_line(text, "working_wording", "working_wording: maybe")
    assert problems_of(text) == [
        "line 4: effective_from must be a date written as YYYY-MM-DD",
        "line 5: working_wording must be true or false",
    ]


def test_bad_name():
    text = replace_line(framework_yaml(), "name: test-framework", "name: Test Framework")
    [message] = problems_of(text)
    assert message.startswith("line 1: name must be lower-case letters")


def test_every_problem_is_reported_in_line_order():
    text = framework_yaml()
    text = replace_line(text, "code: '7.2'", "- code: '1.9'")
    text = replace_line(text, "version: 1", "version: x")
    text = remove_line(text, "question: Question for descriptor 3?")
    lines = [int(message.split(":")[0].removeprefix("line ")) for message in problems_of(text)]
    assert len(lines) == 3
    assert lines == sorted(lines)


def test_yaml_syntax_error_has_a_line():
    text = framework_yaml().replace("title: Test framework", "title: [unclosed", 1)
    [message] = problems_of(text)
    assert message.startswith("line ")
    assert "not valid YAML" in message


def test_json_syntax_error_has_a_line():
    text = framework_json().replace('"version": 1,', '"version": 1', 1)
    assert problems_of(text, "json") == ["line 4: this is not valid JSON: Expecting ',' delimiter"]


def test_json_problems_point_at_the_right_line():
    text = framework_json()
    text = text.replace('"code": "3.1"', '"code": "4.1"')
    text = text.replace('"version": 1', '"version": "one"')
    version_line, code_line = line_of(text, '"version"'), line_of(text, '"4.1"')
    assert problems_of(text, "json") == [
        f"line {version_line}: version must be a whole number (1 or more)",
        f"line {code_line}: descriptor 3 marker '4.1' must start with '3.'",
    ]


def test_json_on_one_line_still_counts_lines():
    content = json.loads(framework_json())
    content["descriptors"][1]["markers"][0]["code"] = "9.1"
    text = json.dumps(content)
    assert problems_of(text, "json") == ["line 1: descriptor 2 marker '9.1' must start with '2.'"]


def test_json_strings_with_escapes_are_read_exactly():
    content = json.loads(framework_json())
    content["title"] = 'Quotes " slashes \\ / unicode é and a tab\there'
    text = json.dumps(content, indent=2).replace("\\/", "/").replace("/", "\\/")
    assert parse_framework_file(text, "json").title == content["title"]


def test_empty_and_non_mapping_files():
    assert problems_of("") == ["line 1: the file is empty"]
    assert problems_of("- just\n- a list\n") == [
        "line 1: the framework must be a set of 'key: value' entries"
    ]
    assert problems_of("[]", "json") == [
        "line 1: the framework must be a set of 'key: value' entries"
    ]


def test_yaml_alias_bomb_is_refused():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefgh":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [{', '.join(['*' + previous] * 10)}]\n"
    messages = problems_of(bomb)
    assert any("too large" in message for message in messages)


def test_format_from_filename():
    assert format_for_filename("framework.YAML") == "yaml"
    assert format_for_filename("framework.yml") == "yaml"
    assert format_for_filename("framework.json") == "json"
    with pytest.raises(FrameworkFileError):
        format_for_filename("framework.txt")

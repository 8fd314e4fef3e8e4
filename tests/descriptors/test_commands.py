import json
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command

from descriptors.io import dump_framework, framework_to_dict, parse_framework_file
from descriptors.models import Descriptor, Framework, Marker
from descriptors.services import delete_draft, import_framework
from qualitymark.audit.models import AuditEvent

from .samples import framework_json, framework_yaml, line_of, replace_line

pytestmark = pytest.mark.django_db

AWKWARD_TEXTS = {
    "title": 'A title: with a colon, "quotes", # hash and an accent é',
    "question": "yes",
    "guidance": "First paragraph.\n\nSecond paragraph\nwith a line break.",
    "marker": "- looks like a list item: but is text {with braces} & 'single quotes'",
}


def awkward_framework_text(file_format):
    content = json.loads(framework_json())
    content["title"] = AWKWARD_TEXTS["title"]
    content["notes"] = "Line one\nLine two"
    content["descriptors"][0]["question"] = AWKWARD_TEXTS["question"]
    content["descriptors"][1]["guidance"] = AWKWARD_TEXTS["guidance"]
    content["descriptors"][2]["markers"][0]["text"] = AWKWARD_TEXTS["marker"]
    content["descriptors"][3]["markers"].append({"code": "4.10", "text": "Tenth"})
    if file_format == "json":
        return json.dumps(content, indent=2, ensure_ascii=False)
    return yaml.safe_dump(content, sort_keys=False, allow_unicode=True)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def database_snapshot():
    return (
        list(Framework.objects.values_list("name", "version", "status", "title")),
        Descriptor.objects.count(),
        Marker.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("suffix, text", [("yaml", framework_yaml()), ("json", framework_json())])
def test_import_command_creates_a_draft(tmp_path, suffix, text):
    out = StringIO()
    call_command("import_framework", str(write(tmp_path, f"f.{suffix}", text)), stdout=out)
    framework = Framework.objects.get()
    assert framework.status == "draft"
    assert "Imported 'test-framework' version 1 as draft: 7 descriptors, 14 markers" in (
        out.getvalue()
    )


def test_import_command_can_publish(tmp_path):
    call_command(
        "import_framework",
        str(write(tmp_path, "f.yml", framework_yaml())),
        "--publish",
        stdout=StringIO(),
    )
    assert Framework.objects.get().status == "published"


def test_import_command_format_option_overrides_extension(tmp_path):
    path = write(tmp_path, "framework.txt", framework_json())
    call_command("import_framework", str(path), "--format", "json", stdout=StringIO())
    assert Framework.objects.count() == 1


def test_import_command_reports_problems_with_lines_and_changes_nothing(tmp_path, published):
    before = database_snapshot()
    text = replace_line(framework_yaml(version=2), "code: '3.1'", "- code: '4.1'")
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(CommandError) as caught:
        call_command("import_framework", str(path), "--publish")
    line = line_of(text, "'4.1'")
    assert f"line {line}: descriptor 3 marker '4.1' must start with '3.'" in str(caught.value)
    assert "nothing has changed" in str(caught.value)
    assert database_snapshot() == before


def test_import_command_refuses_a_published_version(tmp_path, published):
    before = database_snapshot()
    path = write(tmp_path, "again.json", framework_json())
    with pytest.raises(CommandError, match="line 3: version 1 of 'test-framework' is already"):
        call_command("import_framework", str(path))
    assert database_snapshot() == before


def test_import_command_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_framework", str(tmp_path / "missing.yaml"))


def test_export_command_writes_the_current_framework_to_stdout(published):
    out = StringIO()
    call_command("export_framework", stdout=out)
    assert parse_framework_file(out.getvalue(), "yaml") == parse_framework_file(
        framework_yaml(), "yaml"
    )


def test_export_command_by_name_version_format_and_output(tmp_path, published, make_framework):
    make_framework(version=2)
    output = tmp_path / "out.json"
    call_command(
        "export_framework",
        "--name",
        "test-framework",
        "--version",
        "1",
        "--output",
        str(output),
        stderr=StringIO(),
    )
    exported = json.loads(output.read_text())
    assert exported["version"] == 1
    out = StringIO()
    call_command("export_framework", "--name", "test-framework", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["version"] == 2


def test_export_command_unknown_framework(db):
    with pytest.raises(CommandError, match="No framework is published"):
        call_command("export_framework")
    with pytest.raises(CommandError, match="no framework version 4"):
        call_command("export_framework", "--name", "nothing", "--version", "4")


@pytest.mark.parametrize("file_format", ["yaml", "json"])
def test_export_then_import_round_trips_exactly(file_format, staff_user):
    source = parse_framework_file(awkward_framework_text(file_format), file_format)
    original = import_framework(data=source, actor=staff_user)
    exported = dump_framework(original, file_format)
    original_content = framework_to_dict(original)
    delete_draft(framework=original, actor=staff_user)

    reimported = import_framework(
        data=parse_framework_file(exported, file_format), actor=staff_user
    )
    assert framework_to_dict(reimported) == original_content
    assert dump_framework(reimported, file_format) == exported
    assert original_content["title"] == AWKWARD_TEXTS["title"]
    assert original_content["descriptors"][1]["guidance"] == AWKWARD_TEXTS["guidance"]
    assert [m["code"] for m in original_content["descriptors"][3]["markers"]][-1] == "4.10"


def test_yaml_and_json_exports_describe_the_same_framework(staff_user):
    framework = import_framework(
        data=parse_framework_file(awkward_framework_text("yaml"), "yaml"), actor=staff_user
    )
    from_yaml = parse_framework_file(dump_framework(framework, "yaml"), "yaml")
    from_json = parse_framework_file(dump_framework(framework, "json"), "json")
    assert from_yaml == from_json

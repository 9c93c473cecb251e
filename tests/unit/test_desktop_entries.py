"""Desktop entries: the [Desktop Entry] group, Exec quoting and field codes, mimeapps order."""

from __future__ import annotations

import pytest

from spacesgui.core.desktop_entries import (
    DesktopApp,
    MimeAssociations,
    applications_for,
    command_line,
    exec_for_program,
    parse_desktop_entry,
    parse_mimeapps,
    program_app,
    split_exec,
    unescape_value,
)
from spacesgui.core.errors import InvalidInput
from spacesgui.core.opened_files import CopyState, OpenedFile, looks_changed

GEDIT = """\
# a comment
[Desktop Entry]
Type=Application
Name=Text Editor
Name[de]=Texteditor
Exec=gedit %U
Icon=org.gnome.gedit
MimeType=text/plain;text/x-python;

[Desktop Action new-window]
Name=New Window
Exec=gedit --new-window
"""


def entry(**fields: str) -> str:
    lines = ["[Desktop Entry]", "Type=Application", "Name=App", "Exec=app %f"]
    body = {line.split("=", 1)[0]: line for line in lines[1:]}
    body.update({k: f"{k}={v}" for k, v in fields.items()})
    return "\n".join([lines[0], *body.values()])


def test_a_desktop_entry_gives_name_exec_icon_and_mime_types() -> None:
    app = parse_desktop_entry(GEDIT, "org.gnome.gedit.desktop", "/x/org.gnome.gedit.desktop")
    assert app == DesktopApp(
        "org.gnome.gedit.desktop", "Text Editor", "gedit %U", ("text/plain", "text/x-python"),
        "org.gnome.gedit", "/x/org.gnome.gedit.desktop",
    )  # fmt: skip


def test_only_the_desktop_entry_group_is_read() -> None:
    text = "[Desktop Action x]\nType=Application\nName=Action\nExec=other\n"
    assert parse_desktop_entry(text) is None
    app = parse_desktop_entry(GEDIT)
    assert app is not None
    assert app.exec == "gedit %U"  # not the action's Exec


@pytest.mark.parametrize(
    "fields",
    [{"Type": "Link"}, {"NoDisplay": "true"}, {"Hidden": "true"}, {"Exec": ""}, {"Name": ""}],
)
def test_entries_not_to_offer_are_skipped(fields: dict[str, str]) -> None:
    assert parse_desktop_entry(entry(**fields)) is None


def test_no_display_false_is_offered() -> None:
    assert parse_desktop_entry(entry(NoDisplay="false")) is not None


def test_value_escapes_are_turned_into_characters() -> None:
    assert unescape_value(r"a\sb\tc\\d\;e") == "a b\tc\\d;e"


def test_exec_quoting_keeps_spaces_and_escapes_inside_quotes() -> None:
    assert split_exec(r'"/opt/My App/bin" --title "say \"hi\" \$HOME \\ \`x\`" %f') == [
        "/opt/My App/bin", "--title", 'say "hi" $HOME \\ `x`', "%f",
    ]  # fmt: skip


def test_an_unterminated_quote_is_refused() -> None:
    with pytest.raises(InvalidInput, match="unterminated quote"):
        split_exec('"app %f')


@pytest.mark.parametrize("code", ["%f", "%F", "%u", "%U"])
def test_file_codes_become_the_path(code: str) -> None:
    app = DesktopApp("a.desktop", "App", f"app --open {code}")
    assert command_line(app, "/tmp/my file.txt") == ["app", "--open", "/tmp/my file.txt"]


def test_icon_name_and_location_codes() -> None:
    app = DesktopApp("a.desktop", "My App", "app %i %c %k %f", icon="my-icon", path="/apps/a.desktop")
    assert command_line(app, "/f") == ["app", "--icon", "my-icon", "My App", "/apps/a.desktop", "/f"]


def test_icon_code_without_an_icon_and_deprecated_codes_are_dropped() -> None:
    app = DesktopApp("a.desktop", "App", "app %i %d %D %n %N %v %m %f")
    assert command_line(app, "/f") == ["app", "/f"]


def test_a_percent_sign_and_codes_inside_an_argument() -> None:
    app = DesktopApp("a.desktop", "App", "app %% --file=%f --rate=50%%")
    assert command_line(app, "/f") == ["app", "%", "--file=/f", "--rate=50%"]


def test_an_exec_without_a_file_code_gets_the_file_last() -> None:
    assert command_line(DesktopApp("a.desktop", "App", "app --new"), "/f") == ["app", "--new", "/f"]


def test_a_program_picked_by_path_runs_on_the_file() -> None:
    app = program_app('/opt/odd "name"/bin/edit $x')
    assert app.name == "edit $x"
    assert app.exec == exec_for_program('/opt/odd "name"/bin/edit $x')
    assert command_line(app, "/f g") == ['/opt/odd "name"/bin/edit $x', "/f g"]


def test_a_macos_application_bundle_is_started_with_open_a() -> None:
    app = program_app("/Applications/Text Edit.app", platform="darwin")
    assert app.name == "Text Edit"
    assert command_line(app, "/f") == ["open", "-a", "/Applications/Text Edit.app", "/f"]
    assert command_line(program_app("/usr/bin/x.app", platform="linux"), "/f") == ["/usr/bin/x.app", "/f"]


def test_mimeapps_merge_with_the_first_file_most_important() -> None:
    user = (
        "[Default Applications]\ntext/plain=mine.desktop;\n[Removed Associations]\ntext/plain=bad.desktop;\n"
    )
    system = (
        "[Default Applications]\ntext/plain=sys.desktop\n[Added Associations]\ntext/plain=extra.desktop;\n"
    )
    assoc = parse_mimeapps([user, system])
    assert assoc.defaults["text/plain"] == ("mine.desktop", "sys.desktop")
    assert assoc.added["text/plain"] == ("extra.desktop",)
    assert assoc.removed["text/plain"] == ("bad.desktop",)


def test_applications_for_a_type_put_defaults_first_and_leave_removed_out() -> None:
    apps = [
        DesktopApp("a.desktop", "A", "a", ("text/plain",)),
        DesktopApp("bad.desktop", "Bad", "bad", ("text/plain",)),
        DesktopApp("img.desktop", "Img", "img", ("image/png",)),
        DesktopApp("mine.desktop", "Mine", "mine", ()),
        DesktopApp("any.desktop", "Any text", "any", ("text/*",)),
    ]
    assoc = MimeAssociations(
        defaults={"text/plain": ("mine.desktop",)}, removed={"text/plain": ("bad.desktop",)}
    )
    found = applications_for("text/plain; charset=utf-8", apps, assoc)
    assert [a.id for a in found] == ["mine.desktop", "a.desktop", "any.desktop"]


def test_a_copy_looks_changed_only_when_its_size_or_time_moved() -> None:
    opened = OpenedFile("acc", "b", "k.txt", "/t/k.txt", "md5", CopyState(3, 100))
    assert not looks_changed(opened, CopyState(3, 100))
    assert looks_changed(opened, CopyState(3, 200))
    assert looks_changed(opened, CopyState(4, 100))
    assert not looks_changed(opened, None)  # gone for a moment (saved by rename)

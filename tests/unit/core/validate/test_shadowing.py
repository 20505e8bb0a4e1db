"""Cross-tool shadowing: a Tool action's description naming another Tool, or an action only
another Tool has, is a warning at the description; naming itself or its own actions is not."""

from __future__ import annotations

from hubrails.core.registry.findings import Finding, Severity
from hubrails.core.validate.asset_index import Index
from hubrails.core.validate.reports import Asset, FileReport, Ref
from hubrails.core.validate.shadowing import MENTION, shadowing

HINT = (
    "a description that steers how the model uses other tools is how a poisoned server "
    "hijacks them; describe this tool only"
)


def tool(name: str, *actions: str, mentions: tuple[str, ...] = (), path: str = "") -> FileReport:
    """A Tool report whose first action's description names ``mentions``."""
    first = actions[0] if actions else "act"
    refs = [
        Ref(MENTION, m, "spec.actions[0].description", 10 + i, 20, None, (first,))
        for i, m in enumerate(mentions)
    ]
    asset = Asset("Tool", name, 1, 1, provides=actions)
    return FileReport(path or f"tools/{name}.yaml", asset=asset, refs=refs)


def run(*reports: FileReport, hub: tuple[FileReport, ...] = ()) -> list[Finding]:
    return shadowing(list(reports), Index(reports, hub=hub))


def test_a_description_naming_another_tool_is_a_warning_where_it_is_written() -> None:
    findings = run(tool("mailer", "send_email"), tool("notes", "add", mentions=("mailer",)))
    assert findings == [
        Finding(
            "mcp-cross-tool-shadowing",
            Severity.WARNING,
            "tools/notes.yaml",
            10,
            20,
            "the description of action 'add' names another tool, 'mailer'",
            HINT,
        )
    ]


def test_a_description_naming_an_action_of_other_tools_lists_them_sorted() -> None:
    findings = run(
        tool("mailer", "send_email"),
        tool("bulk", "send_email"),
        tool("notes", "add", mentions=("send_email",)),
    )
    assert [f.message for f in findings] == [
        "the description of action 'add' names the action 'send_email' of tool 'bulk', 'mailer'"
    ]


def test_naming_itself_or_its_own_actions_is_fine() -> None:
    assert run(tool("mailer", "send_email", "draft", mentions=("mailer", "draft"))) == []


def test_an_action_it_shares_with_another_tool_is_its_own_too() -> None:
    reports = (tool("mailer", "send_email"), tool("bulk", "send_email", mentions=("send_email",)))
    assert run(*reports) == []


def test_words_that_name_no_tool_or_action_are_fine() -> None:
    assert run(tool("mailer", "send_email"), tool("notes", "add", mentions=("email", "x"))) == []


def test_only_mentions_in_tool_reports_count() -> None:
    agent = FileReport(
        "agents/bot.yaml",
        asset=Asset("Agent", "bot", 1, 1),
        refs=[Ref(MENTION, "mailer", "spec.instructions", 3, 1, None, ("x",))],
    )
    tool_ref = Ref("Tool", "mailer", "spec.tools[0]", 4, 1, None, ("add",))
    notes = FileReport("tools/notes.yaml", asset=Asset("Tool", "notes", 1, 1), refs=[tool_ref])
    broken = FileReport("tools/broken.yaml", refs=[Ref(MENTION, "mailer", "x", 1, 1, None, ("a",))])
    assert run(tool("mailer", "send_email"), agent, notes, broken) == []


def test_the_hub_tools_count_for_a_spoke_but_the_hub_files_are_not_checked() -> None:
    hub = (tool("mailer", "send_email", path="tools/mailer.yaml"),)
    spoke = tool("notes", "add", mentions=("mailer", "send_email"))
    findings = shadowing([spoke], Index([spoke], hub=hub))
    assert [f.message for f in findings] == [
        "the description of action 'add' names another tool, 'mailer'",
        "the description of action 'add' names the action 'send_email' of tool 'mailer'",
    ]
    hub_notes = (tool("notes", "add", mentions=("mailer",)), *hub)
    assert shadowing([], Index([], hub=hub_notes)) == []


def test_no_reports_no_findings() -> None:
    assert run() == []

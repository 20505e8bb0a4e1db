"""Agent Skills import/export round trips, MCP ``server.json`` import and schema export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hubrails.core.registry.safeyaml import parse
from hubrails.resources import schemas_dir
from tests.helpers import EXAMPLE, edit, run_cli, write

SKILLS = ("incident-summary", "pr-review", "sql-report", "customer-reply-draft")

STDIO_SERVER = {
    "$schema": "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json",
    "name": "io.github.acme/Weather_Server",
    "title": "Weather",
    "description": "Forecasts and severe-weather alerts from the national weather service.",
    "version": "1.4.2",
    "repository": {"url": "https://github.com/acme/weather-mcp", "source": "github"},
    "packages": [
        {
            "registryType": "npm",
            "registryBaseUrl": "https://registry.npmjs.org",
            "identifier": "@acme/weather-mcp",
            "version": "1.4.2",
            "transport": {"type": "stdio"},
            "runtimeHint": "npx",
            "packageArguments": [
                {"type": "positional", "valueHint": "config_path"},
                {"type": "named", "name": "--units", "value": "metric"},
            ],
            "environmentVariables": [
                {"name": "WEATHER_API_KEY", "isSecret": True, "isRequired": True},
                {"name": "LOG_LEVEL", "default": "info"},
            ],
        }
    ],
}
REMOTE_SERVER = {
    "name": "com.example/acme-analytics",
    "description": "Real-time business intelligence and reporting platform",
    "version": "2.0.0",
    "websiteUrl": "https://analytics.example.com/docs",
    "remotes": [
        {"type": "streamable-http", "url": "https://analytics.example.com/mcp"},
        {"type": "sse", "url": "https://analytics.example.com/sse"},
    ],
}
TOOLS_LIST = {
    "tools": [
        {
            "name": "get_forecast",
            "description": "Forecast for a place.",
            "inputSchema": {"type": "object"},
            "annotations": {"readOnlyHint": True, "destructiveHint": False, "openWorldHint": True},
        },
        {"name": "subscribeAlerts", "description": "Subscribe to alerts for a region."},
    ]
}


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("skill", SKILLS)
def test_export_then_import_round_trips_a_skill(registry: Path, tmp_path: Path, skill: str) -> None:
    out = tmp_path / "exported"
    run = run_cli("export", "skill", skill, str(out))
    assert run.exit_code == 0, run.stderr
    source = registry / f"registry/skills/{skill}"
    exported = files_of(out / skill)
    expected = {k: v for k, v in files_of(source).items() if k != "skill.yaml"}
    manifest = parse((source / "skill.yaml").read_text()).data
    if manifest["spec"].get("evals"):
        evals = json.loads(exported.pop("evals/evals.json"))
        assert evals == {"skill_name": skill, "evals": manifest["spec"]["evals"]}
    assert exported == expected  # SKILL.md, scripts and references byte for byte

    # Into a fresh hub: the folder comes back unchanged, with a valid skill.yaml beside it.
    hub = tmp_path / "other-hub"
    assert run_cli("init", str(hub), "--hub").exit_code == 0
    run = run_cli("import", "skill", str(out / skill), "--root", str(hub))
    assert run.exit_code == 0, run.stderr
    imported = files_of(hub / f"registry/skills/{skill}")
    back = parse(imported.pop("skill.yaml").decode()).data
    assert imported == files_of(out / skill)
    assert back["metadata"]["name"] == skill
    assert back["metadata"]["description"] == manifest["metadata"]["description"]
    assert back["metadata"]["team"] == "platform"
    assert back["spec"].get("evals", []) == manifest["spec"].get("evals", [])
    assert run_cli("validate", "--root", str(hub)).exit_code == 0


def test_import_keeps_the_version_from_skill_md_metadata(registry: Path, tmp_path: Path) -> None:
    run_cli("export", "skill", "incident-summary", str(tmp_path))
    hub = tmp_path / "hub"
    run_cli("init", str(hub), "--hub")
    run_cli("import", "skill", str(tmp_path / "incident-summary"), "--root", str(hub))
    manifest = parse((hub / "registry/skills/incident-summary/skill.yaml").read_text()).data
    assert manifest["metadata"]["version"] == "1.3.0"


def test_import_into_a_spoke_team_folder(registry: Path, tmp_path: Path) -> None:
    write(
        tmp_path,
        {"triage-helper/SKILL.md": "---\nname: triage-helper\ndescription: Helps.\n---\nDo.\n"},
    )
    run = run_cli("import", "skill", str(tmp_path / "triage-helper"), "--team", "sre")
    assert run.exit_code == 0, run.stderr
    assert (registry / "registry/spokes/sre/skills/triage-helper/SKILL.md").is_file()
    assert run_cli("validate").exit_code == 0


@pytest.mark.parametrize(
    ("skill_md", "message"),
    [
        ("---\nname: x\ndescription: d\nversion: 1\n---\n", "key 'version' is not allowed"),
        ("---\nname: Bad_Name\ndescription: d\n---\n", "breaks the Agent Skills name rules"),
        ("---\nname: ok\ndescription: " + "x" * 1025 + "\n---\n", "over 1024"),
        ("no frontmatter\n", "no YAML frontmatter"),
        ("---\nname: ok\ndescription: [unclosed\n---\n", "SKILL.md:4:1: while parsing"),
    ],
)
def test_import_refuses_a_folder_that_breaks_the_rules(
    registry: Path, tmp_path: Path, skill_md: str, message: str
) -> None:
    write(tmp_path, {"s/SKILL.md": skill_md})
    run = run_cli("import", "skill", str(tmp_path / "s"))
    assert run.exit_code == 2
    assert message in run.stderr
    assert "SKILL.md" in run.stderr  # the file is named


def test_import_refuses_a_taken_name_and_a_folder_without_skill_md(
    registry: Path, tmp_path: Path
) -> None:
    run_cli("export", "skill", "pr-review", str(tmp_path))
    run = run_cli("import", "skill", str(tmp_path / "pr-review"))
    assert run.exit_code == 2
    assert "Skill 'pr-review' already exists" in run.stderr
    (tmp_path / "empty").mkdir()
    run = run_cli("import", "skill", str(tmp_path / "empty"))
    assert run.exit_code == 2
    assert "holds no SKILL.md" in run.stderr


def test_import_refuses_a_link_leading_outside(registry: Path, tmp_path: Path) -> None:
    write(tmp_path, {"s/SKILL.md": "---\nname: linky\ndescription: d\n---\n", "secret": "x"})
    (tmp_path / "s/leak").symlink_to(tmp_path / "secret")
    run = run_cli("import", "skill", str(tmp_path / "s"))
    assert run.exit_code == 2
    assert "links outside the skill folder" in run.stderr


def test_export_checks_the_agent_skills_rules(registry: Path, tmp_path: Path) -> None:
    doc = registry / "registry/skills/pr-review/SKILL.md"
    edit(doc, "name: pr-review", "name: pr-review\nowner: platform")
    run = run_cli("export", "skill", "pr-review", str(tmp_path))
    assert run.exit_code == 2
    assert "frontmatter key 'owner' is not allowed" in run.stderr
    assert not (tmp_path / "pr-review").exists()


def test_export_refuses_an_existing_folder_and_unknown_skills(
    registry: Path, tmp_path: Path
) -> None:
    (tmp_path / "pr-review").mkdir()
    assert run_cli("export", "skill", "pr-review", str(tmp_path)).exit_code == 2
    run = run_cli("export", "skill", "pr-revew", str(tmp_path))
    assert run.exit_code == 2
    assert "did you mean pr-review" in run.stderr


def import_mcp(registry: Path, tmp_path: Path, server: object, *args: str) -> dict[str, object]:
    path = tmp_path / "server.json"
    path.write_text(json.dumps(server))
    run = run_cli("import", "mcp", str(path), *args)
    assert run.exit_code == 0, run.stderr
    written = run.stdout.split(" as ")[1].split(" ")[0]
    assert run_cli("validate", "--format", "json").json()["findings"] == []
    return parse((registry / written).read_text()).data


def test_import_mcp_stdio_package(registry: Path, tmp_path: Path) -> None:
    (tmp_path / "tools.json").write_text(json.dumps(TOOLS_LIST))
    tool = import_mcp(registry, tmp_path, STDIO_SERVER, "--tools", str(tmp_path / "tools.json"))
    meta, spec = tool["metadata"], tool["spec"]
    assert meta["name"] == "weather-server" and meta["version"] == "1.4.2"  # type: ignore[index]
    assert spec["status"] == "proposed" and spec["risk"] == "high"  # type: ignore[index]
    assert spec["homepage"] == "https://github.com/acme/weather-mcp"  # type: ignore[index]
    assert spec["mcp"] == {  # type: ignore[index]
        "transport": "stdio",
        "package": {"registry_type": "npm", "identifier": "@acme/weather-mcp", "version": "1.4.2"},
        "command": "npx",
        "args": ["-y", "@acme/weather-mcp@1.4.2", "--units", "metric"],
        "env": ["WEATHER_API_KEY", "LOG_LEVEL"],
    }
    forecast, alerts = spec["actions"]  # type: ignore[index]
    assert forecast["risk"] == "medium"
    assert forecast["annotations"] == {
        "readOnlyHint": True,
        "destructiveHint": False,
        "idempotentHint": False,  # absent: the MCP default
        "openWorldHint": True,
    }
    assert alerts["name"] == "subscribe_alerts" and alerts["risk"] == "high"
    assert alerts["annotations"] == {
        "readOnlyHint": False,
        "destructiveHint": True,
        "idempotentHint": False,
        "openWorldHint": True,
    }


def test_import_mcp_remote_server(registry: Path, tmp_path: Path) -> None:
    tool = import_mcp(registry, tmp_path, REMOTE_SERVER, "--action", "run_report", "--team", "sre")
    assert tool["metadata"]["name"] == "acme-analytics"  # type: ignore[index]
    assert tool["metadata"]["team"] == "sre"  # type: ignore[index]
    assert tool["spec"]["mcp"] == {  # type: ignore[index]
        "transport": "streamable-http",
        "url": "https://analytics.example.com/mcp",
    }
    assert tool["spec"]["actions"][0]["annotations"]["destructiveHint"] is True  # type: ignore[index]


def test_import_mcp_oci_package_and_remote_choice(registry: Path, tmp_path: Path) -> None:
    server = {
        "name": "io.github.example/database-manager",
        "description": "Database operations.",
        "version": "3.1.0",
        "packages": [
            {
                "registryType": "oci",
                "identifier": "example/database-manager-mcp",
                "version": "3.1.0",
                "transport": {"type": "stdio"},
                "runtimeArguments": [{"type": "named", "name": "--network", "value": "host"}],
            }
        ],
        "remotes": [{"type": "sse", "url": "https://db.example.com/sse"}],
    }
    tool = import_mcp(registry, tmp_path, server, "--action", "query")
    assert tool["spec"]["mcp"]["args"] == [  # type: ignore[index]
        "run",
        "-i",
        "--rm",
        "--network",
        "host",
        "example/database-manager-mcp:3.1.0",
    ]
    remote = import_mcp(registry, tmp_path, server, "--action", "query", "--remote", "--name", "db")
    assert remote["spec"]["mcp"] == {"transport": "sse", "url": "https://db.example.com/sse"}  # type: ignore[index]


@pytest.mark.parametrize(
    ("server", "args", "message"),
    [
        ({"name": "a/b", "version": "1.0.0"}, ["--action", "x"], "non-empty 'description'"),
        ({"name": "a/b", "description": "d"}, ["--action", "x"], "neither packages nor remotes"),
        (REMOTE_SERVER, ["--action", "x", "--name", "Bad Name"], "not a valid tool name"),
        (STDIO_SERVER, ["--action", "x", "--remote"], "lists no remotes"),
        ([1, 2], ["--action", "x"], "must be a JSON object"),
    ],
)
def test_import_mcp_bad_input_exits_2(
    registry: Path, tmp_path: Path, server: object, args: list[str], message: str
) -> None:
    path = tmp_path / "server.json"
    path.write_text(json.dumps(server))
    run = run_cli("import", "mcp", str(path), *args)
    assert run.exit_code == 2
    assert message in run.stderr
    assert not list((registry / "registry/tools").glob("weather*"))


def test_import_mcp_invalid_json_names_line_and_column(registry: Path, tmp_path: Path) -> None:
    path = tmp_path / "server.json"
    path.write_text('{\n  "name": "a/b",\n  "description": oops\n}\n')
    run = run_cli("import", "mcp", str(path), "--action", "x")
    assert run.exit_code == 2
    assert f"{path}:3:18: server.json is not valid JSON" in run.stderr


def test_import_mcp_refuses_a_taken_name(registry: Path, tmp_path: Path) -> None:
    path = tmp_path / "server.json"
    path.write_text(json.dumps({**REMOTE_SERVER, "name": "io.github/github"}))
    run = run_cli("import", "mcp", str(path), "--action", "x")
    assert run.exit_code == 2
    assert "Tool 'github' already exists" in run.stderr


def test_schema_export(tmp_path: Path) -> None:
    run = run_cli("schema", "export", str(tmp_path / "s"))
    assert run.exit_code == 0, run.stderr
    shipped = sorted(p.name for p in schemas_dir().glob("*.schema.json"))
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == shipped
    assert (tmp_path / "s/tool.schema.json").read_bytes() == (
        EXAMPLE / "schemas/tool.schema.json"
    ).read_bytes()
    again = run_cli("schema", "export", str(tmp_path / "s"))
    assert again.exit_code == 2
    assert "refusing to overwrite" in again.stderr
    (tmp_path / "s/tool.schema.json").write_text("{}")
    assert run_cli("schema", "export", str(tmp_path / "s"), "--force").exit_code == 0
    assert json.loads((tmp_path / "s/tool.schema.json").read_text())["title"] == "hubrails Tool"


def test_import_and_export_keep_executable_bits(registry: Path, tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "run-book/SKILL.md": "---\nname: run-book\ndescription: Runs the book.\n---\n\nGo.\n",
            "run-book/scripts/go.sh": "#!/bin/sh\necho go\n",
            "run-book/references/notes.md": "notes\n",
        },
    )
    (tmp_path / "run-book/scripts/go.sh").chmod(0o755)
    assert run_cli("import", "skill", str(tmp_path / "run-book")).exit_code == 0
    imported = registry / "registry/skills/run-book"
    assert (imported / "scripts/go.sh").stat().st_mode & 0o111
    assert not (imported / "references/notes.md").stat().st_mode & 0o111
    assert run_cli("export", "skill", "run-book", str(tmp_path / "out")).exit_code == 0
    assert (tmp_path / "out/run-book/scripts/go.sh").stat().st_mode & 0o100
    assert not (tmp_path / "out/run-book/SKILL.md").stat().st_mode & 0o111


def test_import_refuses_setuid_and_setgid(registry: Path, tmp_path: Path) -> None:
    write(tmp_path, {"s-id/SKILL.md": "---\nname: s-id\ndescription: d\n---\n", "s-id/x.sh": ""})
    for bits in (0o4755, 0o2755):
        (tmp_path / "s-id/x.sh").chmod(bits)
        run = run_cli("import", "skill", str(tmp_path / "s-id"))
        assert run.exit_code == 2
        assert "x.sh is setuid or setgid: refused" in run.stderr
    assert not (registry / "registry/skills/s-id").exists()


def test_import_refuses_a_folder_named_unlike_its_skill(registry: Path, tmp_path: Path) -> None:
    write(tmp_path, {"My_Skill/SKILL.md": "---\nname: my-other\ndescription: d\n---\n"})
    run = run_cli("import", "skill", str(tmp_path / "My_Skill"))
    assert run.exit_code == 2
    assert "the folder is named 'My_Skill' but its SKILL.md names the skill 'my-other'" in (
        run.stderr
    )


@pytest.mark.parametrize(
    ("server", "tools", "code"),
    [
        ({**REMOTE_SERVER, "remotes": True}, TOOLS_LIST, 2),
        ({**STDIO_SERVER, "packages": 5}, TOOLS_LIST, 2),
        (
            {**STDIO_SERVER, "packages": [{**STDIO_SERVER["packages"][0], "packageArguments": 1}]},  # type: ignore[index]
            TOOLS_LIST,
            0,
        ),
        (
            {
                **STDIO_SERVER,
                "packages": [{**STDIO_SERVER["packages"][0], "environmentVariables": True}],  # type: ignore[index]
            },
            TOOLS_LIST,
            0,
        ),
        (STDIO_SERVER, {"tools": 5}, 2),
        (STDIO_SERVER, 7, 2),
    ],
)
def test_import_mcp_values_of_the_wrong_shape(
    registry: Path, tmp_path: Path, server: object, tools: object, code: int
) -> None:
    # Found by the fuzzer: `"remotes": true` and the like were a TypeError (exit 3).
    (tmp_path / "server.json").write_text(json.dumps(server))
    (tmp_path / "tools.json").write_text(json.dumps(tools))
    run = run_cli(
        "import", "mcp", str(tmp_path / "server.json"), "--tools", str(tmp_path / "tools.json")
    )
    assert run.exit_code == code, run.stderr
    assert code == 0 or run.stderr.startswith("hub: ")

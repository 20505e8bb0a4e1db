"""hub.yaml: finding the repository root upward, and reading and validating the file into a
:class:`HubConfig` (defaults, the registry folder's checks, the remembered validation)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hubrails.core.registry.config import HubConfig, find_root, load_config, locate
from hubrails.core.registry.safeyaml import DEFAULT_MAX_ALIAS_NODES, DEFAULT_MAX_BYTES
from hubrails.errors import ConfigError

HUB = "apiVersion: hubrails/v1\nkind: HubConfig\nrole: hub\n"
SPOKE = (
    "apiVersion: hubrails/v1\nkind: HubConfig\nrole: spoke\nteam: growth\n"
    "hub:\n  url: ../hub\n  ref: release\n"
)


def repo(root: Path, text: str = HUB, registry: str | None = "registry") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "hub.yaml").write_text(text, encoding="utf-8")
    if registry is not None:
        (root / registry).mkdir(parents=True, exist_ok=True)
    return root


def config_error(root: Path, **kwargs: bool) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_config(root, **kwargs)
    return caught.value


def test_find_root_walks_up_to_the_nearest_hub_yaml(tmp_path: Path) -> None:
    outer = repo(tmp_path / "outer")
    inner = repo(outer / "registry" / "inner")
    deep = inner / "a" / "b"
    deep.mkdir(parents=True)
    assert find_root(deep) == inner.resolve()
    assert find_root(outer / "registry") == outer.resolve()
    assert find_root(outer) == outer.resolve()


def test_find_root_ignores_a_folder_named_hub_yaml(tmp_path: Path) -> None:
    top = repo(tmp_path / "top")
    (top / "sub" / "hub.yaml").mkdir(parents=True)
    assert find_root(top / "sub") == top.resolve()


def test_find_root_without_any_hub_yaml_says_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        find_root(tmp_path)
    assert caught.value.message == f"no hub.yaml found in {tmp_path.resolve()} or any parent folder"
    assert "hub init" in caught.value.hint


def test_locate_takes_an_explicit_root_only_if_it_holds_hub_yaml(tmp_path: Path) -> None:
    root = repo(tmp_path / "r")
    assert locate(root) == root.resolve()
    with pytest.raises(ConfigError) as caught:
        locate(tmp_path)
    assert caught.value.message == f"{tmp_path} holds no hub.yaml"
    assert "--root" in caught.value.hint


def test_locate_prefers_the_current_folder_then_the_first_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here, there = repo(tmp_path / "here"), repo(tmp_path / "there")
    (there / "registry" / "x.yaml").write_text("a: 1\n", encoding="utf-8")
    monkeypatch.chdir(here)
    assert locate(None, [there / "registry" / "x.yaml"]) == here.resolve()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert locate(None, [there / "registry" / "x.yaml"]) == there.resolve()
    with pytest.raises(ConfigError, match=r"no hub\.yaml found"):
        locate(None)
    with pytest.raises(ConfigError, match=r"no hub\.yaml found"):
        locate(None, [elsewhere / "x.yaml"])


def test_a_minimal_hub_gets_the_defaults(tmp_path: Path) -> None:
    root = repo(tmp_path)
    config = load_config(root)
    assert config == HubConfig(
        root=root, role="hub", raw={"apiVersion": "hubrails/v1", "kind": "HubConfig", "role": "hub"}
    )
    assert (config.registry, config.team, config.hub_url, config.hub_ref) == (
        "registry",
        None,
        None,
        "main",
    )
    assert config.max_file_bytes == DEFAULT_MAX_BYTES
    assert config.max_alias_nodes == DEFAULT_MAX_ALIAS_NODES
    assert config.registry_dir == root / "registry"
    assert config.config_path == root / "hub.yaml"


def test_a_spoke_reads_its_team_hub_registry_and_limits(tmp_path: Path) -> None:
    text = SPOKE + "registry: agents\nlimits:\n  max_file_bytes: 10\n  max_alias_nodes: 0\n"
    config = load_config(repo(tmp_path, text, registry="agents"))
    assert (config.role, config.team, config.hub_url, config.hub_ref) == (
        "spoke",
        "growth",
        "../hub",
        "release",
    )
    assert config.registry_dir == tmp_path / "agents"
    assert (config.max_file_bytes, config.max_alias_nodes) == (10, 0)


def test_certify_settings_are_read_from_their_section_only(tmp_path: Path) -> None:
    text = HUB + "certify:\n  signing: required\n  evidence: true\n"
    config = load_config(repo(tmp_path, text))
    assert config.certify_setting("signing") == "required"
    assert config.certify_setting("evidence") is True
    assert config.certify_setting("absent") is None
    assert HubConfig(root=tmp_path, role="hub").certify_setting("signing") is None
    odd = HubConfig(root=tmp_path, role="hub", raw={"certify": ["signing"]})
    assert odd.certify_setting("signing") is None


def test_a_missing_hub_yaml_is_a_config_error_naming_the_file(tmp_path: Path) -> None:
    error = config_error(tmp_path)
    assert error.path == str(tmp_path / "hub.yaml")
    assert error.message.startswith("cannot read the file")


def test_yaml_that_cannot_load_is_located(tmp_path: Path) -> None:
    error = config_error(repo(tmp_path, HUB + "role: spoke\n"))
    assert (error.path, error.line, error.column) == (str(tmp_path / "hub.yaml"), 4, 1)
    assert "duplicate" in error.message


def test_a_schema_violation_is_located_with_a_hint(tmp_path: Path) -> None:
    error = config_error(repo(tmp_path, HUB.replace("role: hub", "role: satellite")))
    assert (error.line, error.column) == (3, 7)
    assert "satellite" in error.message
    assert error.hint == "see docs/manifests.md, section hub.yaml"
    spoke = config_error(repo(tmp_path, HUB.replace("role: hub", "role: spoke")))
    assert spoke.message.startswith("missing required field 'hub'")


def test_a_valid_hub_yaml_is_remembered_and_not_revalidated(tmp_path: Path) -> None:
    root = repo(tmp_path)
    load_config(root)
    seen = root / ".hub" / "cache" / "hub-yaml.json"
    key = json.loads(seen.read_bytes())["valid"]
    assert isinstance(key, str)
    # An edit changes the key: the new text is validated again, the old answer not reused.
    (root / "hub.yaml").write_text(HUB + "bogus: 1\n", encoding="utf-8")
    assert "bogus" in config_error(root).message
    assert json.loads(seen.read_bytes())["valid"] == key


def test_remember_false_writes_nothing_under_dot_hub(tmp_path: Path) -> None:
    root = repo(tmp_path)
    load_config(root, remember=False)
    assert not (root / ".hub").exists()


@pytest.mark.parametrize("garbage", [b"not json", b"[1]", b'{"valid": 3}', b"{}"])
def test_an_unreadable_memory_means_validate_again(tmp_path: Path, garbage: bytes) -> None:
    root = repo(tmp_path, HUB + "bogus: 1\n")
    seen = root / ".hub" / "cache" / "hub-yaml.json"
    seen.parent.mkdir(parents=True)
    seen.write_bytes(garbage)
    assert "bogus" in config_error(root).message


def test_a_registry_folder_that_does_not_exist_is_refused_at_its_line(tmp_path: Path) -> None:
    root = repo(tmp_path, HUB + "registry: agents\n", registry=None)
    error = config_error(root)
    assert error.message == "registry folder 'agents' does not exist"
    assert (error.line, error.column) == (4, 11)
    assert "hub init" in error.hint
    (root / "agents").write_text("a file, not a folder\n", encoding="utf-8")
    assert config_error(root).message == "registry folder 'agents' does not exist"


def test_a_registry_folder_outside_the_repository_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    root = repo(tmp_path / "r", HUB + "registry: ../elsewhere\n", registry=None)
    error = config_error(root)
    assert error.message == (
        "registry folder '../elsewhere' is outside the repository "
        f"(it resolves to {(tmp_path / 'elsewhere').resolve()})"
    )
    assert (error.line, error.column) == (4, 11)


def test_a_registry_link_that_leads_outside_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    root = repo(tmp_path / "r", registry=None)
    (root / "registry").symlink_to(tmp_path / "elsewhere")
    assert "is outside the repository" in config_error(root).message
    (root / "registry").unlink()
    (root / "inside").mkdir()
    (root / "registry").symlink_to(root / "inside")
    assert load_config(root).registry_dir == root / "registry"


def test_off_disk_only_the_registry_path_itself_is_judged(tmp_path: Path) -> None:
    root = repo(tmp_path, HUB + "registry: not-checked-out\n", registry=None)
    assert load_config(root, on_disk=False).registry == "not-checked-out"
    for outside in ("../up", "/abs/path", "a/../../b"):
        (root / "hub.yaml").write_text(HUB + f"registry: '{outside}'\n", encoding="utf-8")
        error = config_error(root, on_disk=False)
        assert error.message.startswith(f"registry folder '{outside}' is outside"), outside

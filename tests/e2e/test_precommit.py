"""End to end with the real pre-commit framework: this project as a hook repository.

The module builds a git repository holding a copy of this project (pre-commit installs a hook
repository from a git repository at a rev), and registry repositories that use its hooks. The
first ``pre-commit run`` builds the hook's virtualenv (pip-installs hubrails and its dependencies
from the package index); PRE_COMMIT_HOME is shared by the whole module so that happens once.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PRE_COMMIT = BIN / "pre-commit"
HUB = BIN / "hub"
HOOK_REPO_ITEMS = (
    "pyproject.toml",
    "README.md",
    "src",
    "schemas",
    "registry",
    "hub.yaml",
    ".pre-commit-hooks.yaml",
)
IGNORED = shutil.ignore_patterns(
    ".git", "__pycache__", ".hub", "*.egg-info", ".mypy_cache", ".ruff_cache", ".pytest_cache"
)

pytestmark = pytest.mark.skipif(
    not PRE_COMMIT.exists(), reason="pre-commit is not installed next to the interpreter"
)


@dataclass(frozen=True)
class Proc:
    """The outcome of one subprocess: exit code and combined output."""

    code: int
    output: str


@dataclass(frozen=True)
class HookRepo:
    """A git repository holding this project, and the environment the subprocesses get."""

    path: Path
    rev: str
    env: dict[str, str]


def run(args: list[str | Path], cwd: Path, env: dict[str, str], timeout: float = 120) -> Proc:
    """Run a command; stdout and stderr together, as a person at a terminal sees them."""
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Proc(done.returncode, done.stdout)


def git(cwd: Path, env: dict[str, str], *args: str) -> str:
    """Run git, insisting that it succeeds; its output."""
    proc = run(["git", *args], cwd, env)
    assert proc.code == 0, f"git {' '.join(args)} failed:\n{proc.output}"
    return proc.output.strip()


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` by ``new`` in a file, insisting that ``old`` is there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """The 1-based number of the first line containing ``needle``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def assert_reports(output: str, rule: str, path: str, line: int) -> None:
    """The text report names ``rule`` at ``path:line:``."""
    assert any(row.startswith(f"{path}:{line}:") and rule in row for row in output.splitlines()), (
        f"{rule} at {path}:{line} not reported:\n{output}"
    )


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HookRepo]:
    """This project committed to a fresh git repository, and an isolated environment."""
    base = tmp_path_factory.mktemp("precommit")
    env = {
        **os.environ,
        "HOME": str(base / "home"),
        "XDG_CACHE_HOME": str(base / "cache"),
        "PRE_COMMIT_HOME": str(base / "pre-commit-home"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Test Author",
        "GIT_AUTHOR_EMAIL": "author@example.com",
        "GIT_COMMITTER_NAME": "Test Committer",
        "GIT_COMMITTER_EMAIL": "committer@example.com",
        "NO_COLOR": "1",
        "PRE_COMMIT_COLOR": "never",
    }
    env.pop("HUB_DEBUG", None)
    env.pop("PRE_COMMIT_ALLOW_NO_CONFIG", None)
    (base / "home").mkdir()
    repo = base / "hubrails"
    repo.mkdir()
    for item in HOOK_REPO_ITEMS:
        source = PROJECT / item
        if source.is_dir():
            shutil.copytree(source, repo / item, ignore=IGNORED)
        else:
            shutil.copy2(source, repo / item)
    git(repo, env, "init", "-q", "-b", "main")
    git(repo, env, "add", "-A")
    git(repo, env, "commit", "-q", "-m", "hubrails as a hook repository")
    yield HookRepo(repo, git(repo, env, "rev-parse", "HEAD"), env)


def config(hook_repo: HookRepo, *hook_ids: str) -> str:
    """A .pre-commit-config.yaml using ``hook_ids`` from the hook repository."""
    hooks = "".join(f"      - id: {hook_id}\n" for hook_id in hook_ids)
    return f"repos:\n  - repo: {hook_repo.path}\n    rev: {hook_repo.rev}\n    hooks:\n{hooks}"


@pytest.fixture(scope="module")
def built(hook_repo: HookRepo, tmp_path_factory: pytest.TempPathFactory) -> HookRepo:
    """The hook repository once pre-commit has installed its environment (done once)."""
    warm = tmp_path_factory.mktemp("warm")
    git(warm, hook_repo.env, "init", "-q", "-b", "main")
    (warm / ".pre-commit-config.yaml").write_text(
        config(hook_repo, "hub-validate", "hub-validate-strict"), encoding="utf-8"
    )
    git(warm, hook_repo.env, "add", "-A")
    proc = run([PRE_COMMIT, "install-hooks"], warm, hook_repo.env, timeout=900)
    assert proc.code == 0, f"pre-commit could not build the hook environment:\n{proc.output}"
    return hook_repo


@dataclass(frozen=True)
class Registry:
    """A registry repository using the hooks; ``pre_commit`` and ``git`` run inside it."""

    root: Path
    env: dict[str, str]

    def pre_commit(self, *args: str) -> Proc:
        """``pre-commit ARGS`` in the repository."""
        return run([PRE_COMMIT, *args], self.root, self.env)

    def git(self, *args: str) -> str:
        """``git ARGS`` in the repository; it must succeed."""
        return git(self.root, self.env, *args)

    def use(self, hook_repo: HookRepo, *hook_ids: str) -> None:
        """Switch the configured hooks and commit the configuration."""
        (self.root / ".pre-commit-config.yaml").write_text(
            config(hook_repo, *hook_ids), encoding="utf-8"
        )
        self.git("commit", "-q", "-m", "hooks", "--no-verify", "--", ".pre-commit-config.yaml")


@pytest.fixture
def registry_repo(built: HookRepo, tmp_path: Path) -> Registry:
    """A git repository with the example registry, committed, using ``hub-validate``."""
    root = tmp_path / "acme-hub"
    root.mkdir()
    shutil.copy2(PROJECT / "hub.yaml", root / "hub.yaml")
    shutil.copytree(PROJECT / "registry", root / "registry", ignore=IGNORED)
    (root / ".pre-commit-config.yaml").write_text(config(built, "hub-validate"), encoding="utf-8")
    repo = Registry(root, built.env)
    repo.git("init", "-q", "-b", "main")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "registry")
    return repo


def test_clean_registry_passes(registry_repo: Registry) -> None:
    everything = registry_repo.pre_commit("run", "--all-files")
    assert everything.code == 0, everything.output
    assert "hub validate" in everything.output
    assert "Passed" in everything.output

    some = registry_repo.pre_commit(
        "run",
        "--files",
        "hub.yaml",
        "registry/tools/github.yaml",
        "registry/skills/pr-review/SKILL.md",
        "registry/skills/pr-review/skill.yaml",
    )
    assert some.code == 0, some.output
    assert "Passed" in some.output


def test_broken_manifests_fail_with_rule_and_location(registry_repo: Registry) -> None:
    root = registry_repo.root
    tool = root / "registry/tools/github.yaml"
    prompt = root / "registry/prompts/pr-review.yaml"
    edit(tool, "  risk: medium\n", "  risk: medium\n  colour: blue\n")
    edit(prompt, "  team: platform\n", "  team: platform\n  team: sre\n")
    registry_repo.git("add", "-A")

    staged = registry_repo.pre_commit("run")  # what the git hook runs: the staged files
    assert staged.code == 1, staged.output
    assert "Failed" in staged.output
    assert_reports(
        staged.output,
        "schema-additional-properties",
        "registry/tools/github.yaml",
        line_of(tool, "colour: blue"),
    )
    assert_reports(
        staged.output,
        "yaml-duplicate-key",
        "registry/prompts/pr-review.yaml",
        line_of(prompt, "team: sre"),
    )

    everything = registry_repo.pre_commit("run", "--all-files")
    assert everything.code == 1, everything.output
    assert "schema-additional-properties" in everything.output
    assert "yaml-duplicate-key" in everything.output


def test_change_that_breaks_another_files_reference_fails(registry_repo: Registry) -> None:
    root = registry_repo.root
    edit(root / "registry/tools/github.yaml", 'version: "2.1.0"', 'version: "3.0.0"')
    registry_repo.git("add", "registry/tools/github.yaml")

    proc = registry_repo.pre_commit("run", "--files", "registry/tools/github.yaml")
    assert proc.code == 1, proc.output
    skill = root / "registry/skills/pr-review/skill.yaml"
    assert_reports(
        proc.output, "ref-version", "registry/skills/pr-review/skill.yaml", line_of(skill, "github")
    )
    assert "'^2.0.0'" in proc.output
    assert "available: 3.0.0" in proc.output


def test_skill_md_edit_is_checked_against_skill_yaml(registry_repo: Registry) -> None:
    doc = registry_repo.root / "registry/skills/pr-review/SKILL.md"
    edit(doc, "description: Review a GitHub pull request", "description: Review a pull request")

    proc = registry_repo.pre_commit("run", "--files", "registry/skills/pr-review/SKILL.md")
    assert proc.code == 1, proc.output
    assert "skill-md-mismatch" in proc.output
    assert "registry/skills/pr-review/skill.yaml" in proc.output


def test_strict_hook_fails_on_warnings(registry_repo: Registry, built: HookRepo) -> None:
    edit(
        registry_repo.root / "registry/tools/github.yaml",
        "  labels:\n    category: code-host\n",
        "  lifecycle: deprecated\n  labels:\n    category: code-host\n",
    )
    files = ("run", "--files", "registry/tools/github.yaml")

    lenient = registry_repo.pre_commit(*files, "--verbose")  # a passing hook's output is hidden
    assert lenient.code == 0, lenient.output
    assert "ref-deprecated" in lenient.output  # reported, but only a warning

    registry_repo.use(built, "hub-validate-strict")
    strict = registry_repo.pre_commit(*files)
    assert strict.code == 1, strict.output
    assert "ref-deprecated" in strict.output


def test_git_commit_is_blocked_for_a_bad_file_and_allowed_for_a_good_one(
    registry_repo: Registry,
) -> None:
    installed = registry_repo.pre_commit("install")
    assert installed.code == 0, installed.output
    head = registry_repo.git("rev-parse", "HEAD")
    tool = registry_repo.root / "registry/tools/github.yaml"

    edit(tool, "  risk: medium\n", "  risk: medium\n  colour: blue\n")
    registry_repo.git("add", "registry/tools/github.yaml")
    blocked = run(["git", "commit", "-m", "add a colour"], registry_repo.root, registry_repo.env)
    assert blocked.code != 0, blocked.output
    assert "schema-additional-properties" in blocked.output
    assert registry_repo.git("rev-parse", "HEAD") == head

    edit(tool, "  colour: blue\n", "")
    edit(tool, 'version: "2.1.0"', 'version: "2.2.0"')
    registry_repo.git("add", "registry/tools/github.yaml")
    allowed = run(["git", "commit", "-m", "github 2.2.0"], registry_repo.root, registry_repo.env)
    assert allowed.code == 0, allowed.output
    assert "Passed" in allowed.output
    assert registry_repo.git("rev-parse", "HEAD") != head
    assert registry_repo.git("status", "--porcelain") == ""


def test_cross_file_rules_hold_however_files_are_split(tmp_path: Path, hook_repo: HookRepo) -> None:
    """pre-commit may give A and B to different processes: each still sees the duplicate."""
    root = tmp_path / "hub"
    root.mkdir()
    shutil.copy2(PROJECT / "hub.yaml", root / "hub.yaml")
    shutil.copytree(PROJECT / "registry", root / "registry", ignore=IGNORED)
    first = "registry/prompts/pr-review.yaml"
    second = "registry/spokes/sre/prompts/pr-review.yaml"
    (root / second).parent.mkdir(parents=True, exist_ok=True)
    text = (
        (root / first).read_text(encoding="utf-8").replace("../../schemas", "../../../../schemas")
    )
    (root / second).write_text(text.replace("team: platform", "team: sre"), encoding="utf-8")

    for mine, other in ((first, second), (second, first)):
        proc = subprocess.run(
            [str(HUB), "validate", "--format", "json", "--no-cache", mine],
            cwd=root,
            env=hook_repo.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert proc.returncode == 1, proc.stdout + proc.stderr
        findings = json.loads(proc.stdout)["findings"]
        duplicates = {f["path"]: f for f in findings if f["rule"] == "duplicate-name"}
        assert mine in duplicates, findings  # on its own file, though the other was not given
        own = duplicates[mine]
        assert own["line"] == line_of(root / mine, "name: pr-review")
        assert other in own["message"]
        assert own["related"] == [other]
        # the other file's finding names this one as related, so it may be reported too
        assert set(duplicates) <= {mine, other}
        assert {f["rule"] for f in findings} == {"duplicate-name"}, findings

"""``hub validate`` and the filesystem: nothing read outside the repository or past the size
limit, never a FIFO or a device, and source lines only from what the safe reader held."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hubrails.core.validate.listings import RACY_NS
from tests.helpers import edit, line_of, run_cli, write

TOOL = "registry/tools/stripe-refunds.yaml"
SKILL_MD = "registry/skills/sql-report/SKILL.md"


def _hub(root: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``hub ARGS`` in a subprocess (a hang fails the test instead of stopping the suite)."""
    return subprocess.run(
        [sys.executable, "-m", "hubrails", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_a_link_to_proc_environ_never_prints_the_environment(registry: Path) -> None:
    (registry / TOOL).unlink()
    (registry / TOOL).symlink_to("/proc/self/environ")
    for args in ((), (TOOL,)):
        run = run_cli("validate", *args)
        assert run.exit_code == 1
        assert f"{TOOL}:1:1: error   symlink-outside" in run.stdout
        assert "PATH=" not in run.stdout
        assert " | " not in run.stdout.split(TOOL, 1)[1].split("\n\n", 1)[0]


def test_files_not_read_show_no_source_line(registry: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("TOPSECRET: 1\n")
    (registry / TOOL).unlink()
    (registry / TOOL).symlink_to(secret)
    big = "registry/prompts/big.yaml"
    write(registry, {big: "BIGSECRET: x\n" + "a: b\n" * 300_000})
    for args in ((), (TOOL, big)):
        run = run_cli("validate", *args)
        assert run.exit_code == 1
        assert "file-too-large" in run.stdout
        assert "TOPSECRET" not in run.stdout
        assert "BIGSECRET" not in run.stdout


def test_source_lines_come_from_the_analysis_cold_warm_and_focused(registry: Path) -> None:
    edit(registry / TOOL, "  status: vetted\n", "  status: vettted\n")
    line = line_of(registry / TOOL, "vettted")
    expected = f"{line:>6} |   status: vettted"
    for args in ((), (), (TOOL,), (TOOL,)):  # cold, warm (from the cache), focused
        run = run_cli("validate", *args)
        assert run.exit_code == 1
        assert expected in run.stdout.splitlines(), run.stdout


def test_a_focused_run_shows_source_lines_of_other_files(registry: Path) -> None:
    old = registry / "registry/prompts/pr-review.yaml"
    new = registry / "registry/prompts/pr-review-v2.yaml"
    run_cli("validate")
    old.rename(new)
    edit(new, "  name: pr-review\n", "  name: pr-review-v2\n")
    run = run_cli("validate", "registry/prompts/pr-review-v2.yaml")
    assert run.exit_code == 1
    heading = next(x for x in run.stdout.splitlines() if "ref-unresolved" in x)
    path, number = heading.split(":")[:2]
    text = (registry / path).read_text().splitlines()[int(number) - 1]
    assert f"{int(number):>6} | {text}" in run.stdout


@pytest.mark.parametrize("where", [TOOL, SKILL_MD])
@pytest.mark.parametrize("linked", [False, True])
def test_a_fifo_is_a_finding_never_a_hang(registry: Path, where: str, linked: bool) -> None:
    target = registry / where
    target.unlink()
    if linked:
        os.mkfifo(registry / "registry/fifo")
        target.symlink_to(registry / "registry/fifo")
    else:
        os.mkfifo(target)
    for args in (("--format", "json"), ("--format", "json", where)):
        done = _hub(registry, "validate", *args, timeout=30)
        assert done.returncode == 1, done.stderr
        found = {(f["rule"], f["path"]) for f in json.loads(done.stdout)["findings"]}
        assert ("file-not-regular", where) in found


@pytest.mark.parametrize(
    ("registry_value", "message"),
    [
        ("/etc", "is outside the repository"),
        ("../../..", "is outside the repository"),
        ("outlink", "is outside the repository"),
        ("nothere", "does not exist"),
        ("hub.yaml", "does not exist"),
    ],
)
def test_a_registry_folder_outside_the_repository_or_missing_is_refused(
    registry: Path, tmp_path: Path, registry_value: str, message: str
) -> None:
    (registry / "outlink").symlink_to(tmp_path, target_is_directory=True)
    edit(registry / "hub.yaml", "registry: registry\n", f"registry: {registry_value}\n")
    for command in (("validate",), ("catalog", "ls"), ("codeowners", "--check")):
        run = run_cli(*command)
        assert run.exit_code == 2, (command, run.stdout, run.stderr)
        assert f"registry folder '{registry_value}' {message}" in run.stderr
        assert "hub.yaml:" in run.stderr


def test_a_registry_folder_linked_inside_the_repository_is_fine(registry: Path) -> None:
    (registry / "registry").rename(registry / "real")
    (registry / "registry").symlink_to(registry / "real", target_is_directory=True)
    run = run_cli("validate", "--format", "json")
    assert (run.exit_code, run.rules()) == (0, set())
    assert run.json()["summary"]["files_checked"] > 40  # the files behind the link were read
    edit(registry / TOOL, "kind: Tool", "kind: Tol")
    assert run_cli("validate", "--format", "json").rules() == {("schema-const", TOOL, 3)}


def _without_dac(root: Path) -> list[str]:
    """A command prefix under which permissions hold (root bypasses them: drop the two
    capabilities that let it), or skip when the folder mode cannot be enforced here."""
    prefix = (
        ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] if os.getuid() == 0 else []
    )
    probe = root / "probe"
    probe.mkdir()
    probe.chmod(0)
    try:
        done = subprocess.run(
            [*prefix, sys.executable, "-c", f"import os; os.listdir({str(probe)!r})"],
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        done = None
    probe.chmod(0o755)
    probe.rmdir()
    if done is None or done.returncode == 0:
        pytest.skip("folder permissions are not enforced here (root without setpriv)")
    return prefix


def test_an_unreadable_folder_is_a_finding_never_an_empty_one(registry: Path) -> None:
    prefix = _without_dac(registry)
    folder = registry / "registry/prompts"
    hub = [*prefix, sys.executable, "-m", "hubrails", "validate", "--format", "json"]

    def found(*args: str) -> set[tuple[str, str]]:
        done = subprocess.run(
            [*hub, *args], cwd=registry, capture_output=True, text=True, timeout=60, check=False
        )
        assert done.returncode == 1, done.stderr
        return {(f["rule"], f["path"]) for f in json.loads(done.stdout)["findings"]}

    assert run_cli("validate").exit_code == 0  # the listing is in the cache now
    folder.chmod(0)
    try:
        for _ in range(2):  # and the unreadable listing is never remembered
            assert ("folder-unreadable", "registry/prompts") in found()
    finally:
        folder.chmod(0o755)
    assert run_cli("validate").exit_code == 0


def test_a_new_file_in_a_folder_whose_mtime_was_set_back_is_seen(registry: Path) -> None:
    folder = registry / "registry/tools"
    old = time.time_ns() - 3600 * 10**9
    os.utime(folder, ns=(old, old))
    assert run_cli("validate").exit_code == 0  # the listing is remembered
    new = "registry/tools/new-tool.yaml"
    write(registry, {new: "apiVersion: hubrails/v1\nkind: Tool\nmetadata: {}\n"})
    os.utime(folder, ns=(old, old))  # as tar, rsync -a and cp -p do
    run = run_cli("validate", "--format", "json")
    assert run.exit_code == 1
    assert any(path == new for _, path, _ in run.rules())
    run = run_cli("validate", new, "--format", "json")
    assert run.exit_code == 1
    assert run.json()["summary"]["files_checked"] == 1


@pytest.mark.parametrize("target", ["/etc", "/"])
def test_a_folder_link_named_like_a_manifest_fails_alone_as_in_the_whole_run(
    registry: Path, target: str
) -> None:
    evil = "registry/prompts/evil.yaml"
    (registry / evil).symlink_to(target, target_is_directory=True)
    whole = run_cli("validate", "--format", "json")
    alone = run_cli("validate", evil, "--format", "json")
    assert whole.exit_code == alone.exit_code == 1
    assert ("symlink-outside", evil, 1) in whole.rules()
    assert alone.rules() == {("symlink-outside", evil, 1)}
    assert run_cli("validate", evil, "--no-cache", "--format", "json").rules() == alone.rules()


def test_a_symlink_loop_is_a_finding(registry: Path) -> None:
    loop = registry / "registry/prompts/loop.yaml"
    loop.symlink_to(loop)
    (registry / "registry/skills/loopy").symlink_to(registry / "registry/skills/loopy")
    for args in ((), ("registry/prompts/loop.yaml",)):
        run = run_cli("validate", "--format", "json", *args)
        assert run.exit_code == 1
        assert ("file-unreadable", "registry/prompts/loop.yaml", 1) in run.rules()


def test_a_file_name_that_is_not_utf8_is_reported_escaped(registry: Path) -> None:
    raw = b"registry/prompts/b\xffad.yaml"
    shown = "registry/prompts/b\\377ad.yaml"
    (registry / os.fsdecode(raw)).write_text("apiVersion: hubrails/v1\n")
    time.sleep(RACY_NS / 1e9 + 0.1)  # old enough for its folder's listing to be remembered
    for _ in range(2):  # the second run goes through the saved cache
        run = run_cli("validate", "--format", "json")
        assert run.exit_code == 1
        assert ("file-name-encoding", shown, 1) in run.rules()
        text = run_cli("validate")
        assert f"{shown}:1:1: error   file-name-encoding" in text.stdout
    done = subprocess.run(
        [sys.executable, "-m", "hubrails", "validate", "--format", "json", os.fsdecode(raw)],
        cwd=registry,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    found = {(f["rule"], f["path"]) for f in json.loads(done.stdout)["findings"]}
    assert found == {("file-name-encoding", shown)}


def test_certify_never_reads_a_fifo_in_a_skill_folder(registry: Path) -> None:
    scripts = registry / "registry/skills/sql-report/scripts"
    scripts.mkdir(exist_ok=True)
    os.mkfifo(scripts / "pipe.sh")
    agent = "registry/spokes/billing-ops/agents/invoice-triage.yaml"
    done = _hub(registry, "certify", agent, timeout=60)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr


def test_a_character_device_is_never_read(registry: Path) -> None:
    (registry / TOOL).unlink()
    try:  # /dev/zero's numbers: read, it never ends
        os.mknod(registry / TOOL, 0o600 | stat.S_IFCHR, os.makedev(1, 5))
    except OSError as exc:
        pytest.skip(f"cannot make a device node here: {exc.strerror}")
    done = _hub(registry, "validate", "--format", "json", TOOL, timeout=60)
    assert done.returncode == 1, done.stderr
    found = {(f["rule"], f["path"]) for f in json.loads(done.stdout)["findings"]}
    assert ("file-not-regular", TOOL) in found

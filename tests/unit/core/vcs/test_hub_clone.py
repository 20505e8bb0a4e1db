"""Copies of the hub (core/vcs/hub_clone) from real local repositories: the clone cache (clone
once, fetch when due, keep the last copy when the fetch fails, check out any ref), its errors
and words, and the bare shallow fetch a promotion builds on."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from hubrails.core.vcs.hub_clone import fetch_age, fetch_hub, hub_cache_folder, materialise_hub
from hubrails.errors import HubFetchError, RemoteError
from tests.gitrepo import commit_all, git, init_repo
from tests.helpers import write


@pytest.fixture
def hub(tmp_path: Path) -> Path:
    root = tmp_path / "hub"
    write(root, {"hub.yaml": "role: hub\n", "registry/a.txt": "first\n"})
    return init_repo(root)


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def _advance(hub: Path, text: str) -> str:
    (hub / "registry" / "a.txt").write_text(text, encoding="utf-8")
    return commit_all(hub, text.strip())


def _aged(folder: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(folder / ".git" / "hubrails-fetched", (then, then))


def test_each_hub_url_has_its_own_cache_folder(tmp_path: Path) -> None:
    one = hub_cache_folder(tmp_path, "git@example.com:org/hub.git")
    assert one == hub_cache_folder(tmp_path, "git@example.com:org/hub.git")
    assert one.parent == tmp_path / "hubs" and len(one.name) == 16
    assert int(one.name, 16) >= 0  # hexadecimal
    assert one != hub_cache_folder(tmp_path, "git@example.com:org/other.git")


@pytest.mark.parametrize(
    ("age_s", "words"),
    [
        (-50, "0 s ago"),  # a clock set back: never negative
        (30, "30 s ago"),
        (119, "119 s ago"),
        (600, "10 min ago"),
        (5 * 3600, "5 h ago"),
        (3 * 86400, "3 days ago"),
    ],
)
def test_a_fetch_age_is_told_in_words(tmp_path: Path, age_s: int, words: str) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "hubrails-fetched").write_bytes(b"")
    _aged(tmp_path, age_s)
    assert fetch_age(tmp_path) == words


def test_a_clone_never_fetched_has_an_unknown_age(tmp_path: Path) -> None:
    assert fetch_age(tmp_path) == "at an unknown time"


def test_the_first_use_clones_the_hub_and_checks_out_the_ref(hub: Path, cache: Path) -> None:
    got = materialise_hub(str(hub), "main", cache)
    assert got.path == hub_cache_folder(cache, str(hub))
    assert got.commit == git(hub, "rev-parse", "HEAD") and got.warning is None
    assert (got.path / "registry" / "a.txt").read_text(encoding="utf-8") == "first\n"
    assert git(got.path, "rev-parse", "HEAD") == got.commit
    assert [p.name for p in cache.joinpath("hubs").iterdir() if p.name.startswith(".clone-")] == []


def test_a_tag_or_a_commit_can_be_the_ref(hub: Path, cache: Path) -> None:
    first = git(hub, "rev-parse", "HEAD")
    git(hub, "tag", "v1")
    _advance(hub, "second\n")
    assert materialise_hub(str(hub), "v1", cache).commit == first
    assert materialise_hub(str(hub), first[:12], cache).commit == first
    got = materialise_hub(str(hub), "main", cache)
    assert got.commit == git(hub, "rev-parse", "HEAD")
    assert (got.path / "registry" / "a.txt").read_text(encoding="utf-8") == "second\n"


def test_each_use_fetches_unless_the_last_fetch_is_recent_enough(hub: Path, cache: Path) -> None:
    first = materialise_hub(str(hub), "main", cache, fetch_every=3600).commit
    second = _advance(hub, "second\n")
    assert materialise_hub(str(hub), "main", cache, fetch_every=3600).commit == first
    assert materialise_hub(str(hub), "main", cache).commit == second  # no limit: fetched
    third = _advance(hub, "third\n")
    _aged(hub_cache_folder(cache, str(hub)), 7200)
    assert materialise_hub(str(hub), "main", cache, fetch_every=3600).commit == third


def test_a_ref_the_recent_copy_has_not_seen_is_fetched(hub: Path, cache: Path) -> None:
    materialise_hub(str(hub), "main", cache, fetch_every=3600)
    git(hub, "switch", "-q", "-c", "feature")
    feature = _advance(hub, "feature\n")
    assert materialise_hub(str(hub), "feature", cache, fetch_every=3600).commit == feature


def test_when_the_fetch_fails_the_cached_copy_is_used_with_a_warning(
    hub: Path, cache: Path, tmp_path: Path
) -> None:
    commit = materialise_hub(str(hub), "main", cache).commit
    hub.rename(tmp_path / "gone")
    got = materialise_hub(str(hub), "main", cache)
    assert got.commit == commit
    assert got.warning is not None
    assert got.warning.startswith(f"cannot fetch the hub from {hub} (")
    assert "the cached copy may be stale (last fetched " in got.warning
    assert got.warning.endswith(f": using the cached copy at commit {commit}")


def test_a_ref_missing_from_an_unreachable_hubs_cached_copy_is_an_error(
    hub: Path, cache: Path, tmp_path: Path
) -> None:
    materialise_hub(str(hub), "main", cache)
    hub.rename(tmp_path / "gone")
    with pytest.raises(HubFetchError, match=r"^cannot fetch the hub from ") as caught:
        materialise_hub(str(hub), "release", cache)
    assert caught.value.hint == "the cached copy has no 'release' either"


def test_an_unknown_ref_is_explained(hub: Path, cache: Path) -> None:
    with pytest.raises(HubFetchError) as caught:
        materialise_hub(str(hub), "nope", cache)
    assert str(caught.value) == f"the hub at {hub} has no branch, tag or commit 'nope'"
    assert caught.value.hint == "fix hub.ref in hub.yaml"


def test_a_hub_that_cannot_be_cloned_leaves_nothing_in_the_cache(
    tmp_path: Path, cache: Path
) -> None:
    missing = tmp_path / "missing"
    with pytest.raises(
        HubFetchError, match=f"^cannot clone the hub from {re.escape(str(missing))}: "
    ) as caught:
        materialise_hub(str(missing), "main", cache)
    assert "does not exist" in str(caught.value)  # git's own reason, on one line
    assert "\n" not in str(caught.value) and "stderr" not in str(caught.value)
    assert caught.value.hint is not None and "--hub PATH" in caught.value.hint
    assert [p.name for p in (cache / "hubs").iterdir()] == [
        f"{hub_cache_folder(cache, str(missing)).name}.lock"
    ]


def test_a_checkout_replaces_local_changes_but_keeps_the_hub_folder(hub: Path, cache: Path) -> None:
    got = materialise_hub(str(hub), "main", cache)
    write(got.path, {"junk.txt": "untracked\n", ".hub/state": "kept\n",
                     "registry/a.txt": "edited in the cache\n"})  # fmt: skip
    _advance(hub, "second\n")
    again = materialise_hub(str(hub), "main", cache)
    assert (again.path / "registry" / "a.txt").read_text(encoding="utf-8") == "second\n"
    assert not (again.path / "junk.txt").exists()
    assert (again.path / ".hub" / "state").read_text(encoding="utf-8") == "kept\n"


def test_the_fetch_for_a_promotion_is_a_bare_shallow_copy_at_the_ref(
    hub: Path, tmp_path: Path
) -> None:
    _advance(hub, "second\n")
    repo, base = fetch_hub(str(hub), "main", tmp_path / "hub.git")
    try:
        assert base == git(hub, "rev-parse", "HEAD")
        assert repo.work_dir is None
        assert (tmp_path / "hub.git" / "shallow").read_text(encoding="utf-8").strip() == base
        assert repo.commit_of("refs/hub/base") == base
    finally:
        repo.close()


def test_a_promotions_fetch_of_an_unknown_ref_is_a_remote_error(hub: Path, tmp_path: Path) -> None:
    with pytest.raises(
        RemoteError, match=f"^cannot fetch the hub {re.escape(str(hub))} at 'nope': "
    ) as caught:
        fetch_hub(str(hub), "nope", tmp_path / "hub.git")
    assert caught.value.hint == "check hub.url and hub.ref in hub.yaml, and your access to the hub"

"""What ``hub init`` pins: read from the installed hubrails' PEP 610 ``direct_url.json`` (an
index, a git commit, a local folder, or something unreadable), and overridden by ``--hook-rev``
and ``--install``. Each test installs its own real ``hubrails`` metadata first on sys.path."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from hubrails import __version__
from hubrails.core.scaffold.pins import PROJECT_URL, Pins, choose, installed

GIT = "https://git.example.com/acme/hubrails.git"
COMMIT = "0123456789abcdef0123456789abcdef01234567"
LOCAL_CAVEAT = (
    f"hubrails {__version__} was installed from file:///src/hubrails, which CI cannot reach: "
    "say where CI gets it with 'hub init --install SPEC'"
)


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder first on sys.path holding hubrails' distribution metadata."""
    folder = tmp_path / "site"
    info = folder / f"hubrails-{__version__}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: hubrails\nVersion: {__version__}\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(folder))
    return info


def direct_url(info: Path, data: object) -> None:
    text = data if isinstance(data, str) else json.dumps(data)
    (info / "direct_url.json").write_text(text, encoding="utf-8")


def test_from_a_package_index_the_release_tag_and_version_are_pinned(site: Path) -> None:
    assert installed() == Pins(PROJECT_URL, f"v{__version__}", f"hubrails=={__version__}")


def test_from_a_git_commit_the_repository_and_commit_are_pinned(site: Path) -> None:
    direct_url(site, {"url": GIT, "vcs_info": {"vcs": "git", "commit_id": COMMIT}})
    assert installed() == Pins(GIT, COMMIT, f"hubrails @ git+{GIT}@{COMMIT}")


def test_from_a_local_folder_the_hook_is_local_and_the_version_a_guess(site: Path) -> None:
    direct_url(site, {"url": "file:///src/hubrails", "dir_info": {"editable": True}})
    assert installed() == Pins(None, None, f"hubrails=={__version__}", LOCAL_CAVEAT)


@pytest.mark.parametrize(
    "vcs_info",
    [
        {"vcs": "hg", "commit_id": COMMIT},  # another VCS
        {"vcs": "git"},  # no commit
        {"vcs": "git", "commit_id": ""},
        "git",  # not a mapping
    ],
)
def test_vcs_info_that_is_not_a_git_commit_counts_as_a_local_folder(
    site: Path, vcs_info: object
) -> None:
    direct_url(site, {"url": "file:///src/hubrails", "vcs_info": vcs_info})
    assert installed() == Pins(None, None, f"hubrails=={__version__}", LOCAL_CAVEAT)


def test_a_direct_url_without_url_names_a_local_folder(site: Path) -> None:
    direct_url(site, {"dir_info": {}})
    caveat = installed().caveat
    assert caveat is not None
    assert caveat.startswith(f"hubrails {__version__} was installed from a local folder,")


@pytest.mark.parametrize("text", ["", "not json", "[1, 2]", '"a string"'])
def test_an_empty_or_unreadable_direct_url_counts_as_a_package_index(site: Path, text: str) -> None:
    direct_url(site, text)
    assert installed() == Pins(PROJECT_URL, f"v{__version__}", f"hubrails=={__version__}")


def test_without_any_hubrails_distribution_the_index_pins_hold(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    assert installed() == Pins(PROJECT_URL, f"v{__version__}", f"hubrails=={__version__}")


def test_choose_without_options_is_what_is_installed(site: Path) -> None:
    direct_url(site, {"url": GIT, "vcs_info": {"vcs": "git", "commit_id": COMMIT}})
    assert choose() == installed()


def test_a_hook_rev_keeps_the_repository_or_takes_the_projects(site: Path) -> None:
    direct_url(site, {"url": GIT, "vcs_info": {"vcs": "git", "commit_id": COMMIT}})
    assert choose(hook_rev="v9") == Pins(GIT, "v9", f"hubrails @ git+{GIT}@{COMMIT}")
    direct_url(site, {"url": "file:///src/hubrails"})
    local = choose(hook_rev="v9")
    assert (local.hook_repo, local.hook_rev) == (PROJECT_URL, "v9")
    assert local.caveat == LOCAL_CAVEAT  # the install is still a guess


def test_an_install_spec_replaces_the_guess_and_its_caveat(site: Path) -> None:
    direct_url(site, {"url": "file:///src/hubrails"})
    assert choose(install="hubrails @ git+https://x/y@main") == Pins(
        None, None, "hubrails @ git+https://x/y@main"
    )
    both = choose(hook_rev="abc", install="hubrails==1.0")
    assert both == Pins(PROJECT_URL, "abc", "hubrails==1.0")


def test_empty_options_count_as_not_given(site: Path) -> None:
    direct_url(site, {"url": "file:///src/hubrails"})
    assert choose(hook_rev="", install="") == installed()

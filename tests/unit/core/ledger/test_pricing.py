"""The price list: prices in force by date, names and aliases, the next cheaper tier, and the
checks of ``registry/pricing.yaml`` (absent, invalid, a name used twice)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hubrails.core.ledger.pricing import Model, Price, PriceBook, _start_ms, load_pricing
from hubrails.core.registry.config import load_config
from hubrails.errors import ConfigError
from tests.helpers import EXAMPLE

HEADER = """\
apiVersion: hubrails/v1
kind: Pricing
metadata:
  name: pricing
  team: platform
  version: "1.0.0"
  description: Prices for the tests.
spec:
  models:
"""


def _ms(day: str) -> int:
    return int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp() * 1000)


def _price(day: str, input_: float = 1.0) -> Price:
    return Price(day, _start_ms(day), input_, 2 * input_, input_ / 10, input_ * 1.25)


@pytest.fixture
def hub(tmp_path: Path) -> Path:
    """A bare hub: its ``hub.yaml`` and an empty registry folder."""
    root = tmp_path / "hub"
    (root / "registry").mkdir(parents=True)
    (root / "hub.yaml").write_text(
        "apiVersion: hubrails/v1\nkind: HubConfig\nrole: hub\nregistry: registry\n",
        encoding="utf-8",
    )
    return root


def _pricing(root: Path, models: str) -> Path:
    path = root / "registry" / "pricing.yaml"
    path.write_text(HEADER + models, encoding="utf-8")
    return path


def _load(root: Path) -> PriceBook:
    return load_pricing(load_config(root, remember=False))


def test_a_cost_is_each_token_count_at_its_price_per_million() -> None:
    price = Price("2026-01-01", 0, 3.0, 15.0, 0.3, 3.75)
    assert price.cost(1_000_000, 0, 0, 0) == pytest.approx(3.0)
    assert price.cost(1000, 2000, 10_000, 400) == pytest.approx(
        (1000 * 3 + 2000 * 15 + 10_000 * 0.3 + 400 * 3.75) / 1e6
    )
    assert price.cost(0, 0, 0, 0) == 0.0


def test_a_price_is_in_force_from_utc_midnight_of_its_day() -> None:
    assert _start_ms("2026-06-10") == _ms("2026-06-10T00:00:00")
    model = Model("m", "standard", (_price("2026-01-01", 1.0), _price("2026-06-10", 2.0)))
    assert model.price_at(_ms("2025-12-31T23:59:59.999")) is None  # before the first price
    assert model.price_at(_ms("2026-01-01T00:00:00")) == model.prices[0]
    assert model.price_at(_ms("2026-06-09T23:59:59.999")) == model.prices[0]
    assert model.price_at(_ms("2026-06-10T00:00:00")) == model.prices[1]
    assert model.price_at(_ms("2030-01-01T00:00:00")) == model.prices[1]
    assert model.current == model.prices[1]


def test_a_model_is_resolved_by_its_id_or_an_alias_and_nothing_else() -> None:
    model = Model("claude-x", "premium", (_price("2026-01-01"),))
    book = PriceBook({"claude-x": model}, {"claude-x": "claude-x", "x": "claude-x"})
    assert book.resolve("claude-x") is model
    assert book.resolve("x") is model
    assert book.resolve("X") is None  # names are case-sensitive
    assert book.resolve("") is None
    assert PriceBook().resolve("claude-x") is None


def test_the_cheaper_tier_is_the_next_one_down_that_has_models() -> None:
    premium = Model("p", "premium", (_price("2026-01-01"),))
    standard = Model("s", "standard", (_price("2026-01-01"),))
    economy = [Model(f"e{n}", "economy", (_price("2026-01-01"),)) for n in (1, 2)]
    book = PriceBook({m.id: m for m in (premium, standard, *economy)})
    assert book.cheaper_tier(premium) == [standard]
    assert book.cheaper_tier(standard) == economy
    assert book.cheaper_tier(economy[0]) == []  # nothing is cheaper
    without_standard = PriceBook({m.id: m for m in (premium, *economy)})
    assert without_standard.cheaper_tier(premium) == economy  # an empty tier is skipped
    assert PriceBook({"p": premium}).cheaper_tier(premium) == []


def test_no_price_list_means_an_empty_book(hub: Path) -> None:
    book = _load(hub)
    assert (book.models, book.names) == ({}, {})


def test_the_example_price_list_loads_with_its_aliases(hub: Path) -> None:
    shutil.copy(EXAMPLE / "registry" / "pricing.yaml", hub / "registry" / "pricing.yaml")
    book = _load(hub)
    sonnet = book.resolve("claude-sonnet-4-5-20250929")
    assert sonnet is not None and sonnet is book.resolve("sonnet")
    assert (sonnet.id, sonnet.tier, sonnet.current.effective_from) == (
        "claude-sonnet-4-5",
        "standard",
        "2025-09-29",
    )
    assert (sonnet.current.input, sonnet.current.cache_read) == (3.0, 0.3)


def test_prices_are_sorted_by_date_and_cache_prices_default_to_the_input_price(hub: Path) -> None:
    _pricing(
        hub,
        """\
    - id: m
      tier: standard
      prices:
        - effective_from: "2026-06-10"
          input_per_mtok: 2
          output_per_mtok: 10
        - effective_from: "2026-01-01"
          input_per_mtok: 4
          output_per_mtok: 20
          cache_read_per_mtok: 0.4
""",
    )
    model = _load(hub).models["m"]
    assert [p.effective_from for p in model.prices] == ["2026-01-01", "2026-06-10"]
    assert (model.prices[0].cache_read, model.prices[0].cache_write) == (0.4, 4.0)
    assert (model.current.cache_read, model.current.cache_write) == (2.0, 2.0)
    assert all(isinstance(p.input, float) for p in model.prices)


def test_a_name_used_by_two_models_is_refused_naming_both(hub: Path) -> None:
    path = _pricing(
        hub,
        """\
    - id: first
      aliases: [shared]
      tier: standard
      prices:
        - {effective_from: "2026-01-01", input_per_mtok: 1, output_per_mtok: 2}
    - id: second
      aliases: [shared]
      tier: economy
      prices:
        - {effective_from: "2026-01-01", input_per_mtok: 1, output_per_mtok: 2}
""",
    )
    with pytest.raises(ConfigError) as caught:
        _load(hub)
    assert caught.value.message == "model name 'shared' is used by both first and second"
    assert (caught.value.path, caught.value.line) == (str(path), 10)  # where the models list starts


def test_an_alias_equal_to_another_models_id_is_refused(hub: Path) -> None:
    _pricing(
        hub,
        """\
    - id: first
      tier: standard
      prices:
        - {effective_from: "2026-01-01", input_per_mtok: 1, output_per_mtok: 2}
    - id: second
      aliases: [first]
      tier: economy
      prices:
        - {effective_from: "2026-01-01", input_per_mtok: 1, output_per_mtok: 2}
""",
    )
    with pytest.raises(ConfigError, match="'first' is used by both first and second"):
        _load(hub)


def test_a_model_may_repeat_its_own_id_as_an_alias(hub: Path) -> None:
    _pricing(
        hub,
        """\
    - id: only
      aliases: [only, o]
      tier: standard
      prices:
        - {effective_from: "2026-01-01", input_per_mtok: 1, output_per_mtok: 2}
""",
    )
    book = _load(hub)
    assert book.names == {"only": "only", "o": "only"}


def test_a_price_list_the_schema_refuses_names_the_file_and_line(hub: Path) -> None:
    path = _pricing(
        hub,
        """\
    - id: m
      tier: standard
      prices:
        - {effective_from: "2026-01-01", input_per_mtok: -1, output_per_mtok: 2}
""",
    )
    with pytest.raises(ConfigError) as caught:
        _load(hub)
    assert caught.value.path == str(path)
    assert caught.value.line == 13
    assert "-1" in caught.value.message


def test_a_price_list_that_is_not_yaml_is_a_config_error(hub: Path) -> None:
    path = hub / "registry" / "pricing.yaml"
    path.write_text("spec: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        _load(hub)
    assert caught.value.path == str(path)
